#![no_main]
use libfuzzer_sys::fuzz_target;
use aidoctor::probes::{drm, drm_clients};

// sysfs DRM files: uevent, PCIe link speed/width, connector status; DRM fdinfo.
fuzz_target!(|data: &[u8]| {
    let text = aidoctor::text::decode(data);
    let _ = drm::parse_uevent(&text);
    let _ = drm::parse_link_speed(&text);
    let _ = drm::parse_link_width(&text);
    let _ = drm::parse_connector_status(&text);
    let _ = drm_clients::parse_fdinfo(&text);
});
