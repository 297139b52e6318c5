//! GPU names from the PCI ID database (pci.ids): the system's copy when it has one
//! (`/usr/share/misc/pci.ids`, `/usr/share/hwdata/pci.ids`, read through the Host, so at most
//! its first MiB), else the copy embedded by the `pci-ids` crate (used on replay and on systems
//! without the file). pci.ids names a device by its chip and, in brackets, its products:
//! "DG2 [Arc A770]", "GK104 [GeForce GTX 770]"; the bracket is the marketing name. AMD products
//! that share a device id are told apart by revision in `amd_ids`, where pci.ids is coarse.

use crate::facts::Vendor;
use crate::host::Host;

/// Where distributions put pci.ids (Debian/Ubuntu: pciutils; Fedora/Arch: hwdata).
pub const SYSTEM_PATHS: &[&str] = &["/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids"];

/// The system's pci.ids text, when there is one.
pub fn system_db(host: &dyn Host) -> Option<String> {
    SYSTEM_PATHS.iter().find_map(|p| host.read_text(p))
}

/// A device's pci.ids name in `text` (pci.ids format: a vendor line `10de  NVIDIA
/// Corporation`, then its devices indented by one tab: `\t1184  GK104 [GeForce GTX 770]`).
pub fn lookup_in(text: &str, vendor: u16, device: u16) -> Option<String> {
    let vendor_hex = format!("{vendor:04x}");
    let device_hex = format!("{device:04x}");
    let mut in_vendor = false;
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with('\t') {
            // A vendor line (or the class section "C 03  ..." at the end).
            if in_vendor {
                return None;
            }
            in_vendor = line
                .get(..4)
                .is_some_and(|v| v.eq_ignore_ascii_case(&vendor_hex));
            continue;
        }
        if in_vendor && !line.starts_with("\t\t") {
            let rest = &line[1..];
            if rest
                .get(..4)
                .is_some_and(|d| d.eq_ignore_ascii_case(&device_hex))
            {
                return Some(rest[4..].trim().to_string()).filter(|n| !n.is_empty());
            }
        }
    }
    None
}

/// The device's pci.ids name: the system's copy first, then the embedded one.
pub fn lookup(system: Option<&str>, vendor: u16, device: u16) -> Option<String> {
    system
        .and_then(|t| lookup_in(t, vendor, device))
        .or_else(|| pci_ids::Device::from_vid_pid(vendor, device).map(|d| d.name().to_string()))
}

/// "DG2 [Arc A770]" -> "Intel Arc A770"; "GK104 [GeForce GTX 770]" -> "NVIDIA GeForce GTX 770";
/// "Meteor Lake-P [Intel Arc Graphics]" -> "Intel Arc Graphics". A name with several products
/// ("[GeForce GTX 1050 / 1050 Ti]") stays as pci.ids writes it.
pub fn marketing(vendor: Vendor, raw: &str) -> String {
    let inner = raw
        .find('[')
        .zip(raw.rfind(']'))
        .filter(|(a, b)| a < b)
        .map(|(a, b)| raw[a + 1..b].trim())
        .filter(|s| !s.is_empty())
        .unwrap_or(raw.trim());
    let prefix = match vendor {
        Vendor::Intel => "Intel",
        Vendor::Nvidia => "NVIDIA",
        Vendor::Amd => "AMD",
        Vendor::Apple => "Apple",
        Vendor::Other => "",
    };
    if prefix.is_empty()
        || inner
            .to_ascii_lowercase()
            .starts_with(&prefix.to_ascii_lowercase())
    {
        inner.to_string()
    } else {
        format!("{prefix} {inner}")
    }
}

/// The marketing name of a device, from `system` or the embedded database.
pub fn name(system: Option<&str>, vendor_id: u16, device: u16) -> Option<String> {
    let vendor = Vendor::from_pci(&format!("{vendor_id:04x}"));
    lookup(system, vendor_id, device).map(|raw| marketing(vendor, &raw))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::fake::FakeHost;

    const SNIPPET: &str = "# pci.ids excerpt\n10de  NVIDIA Corporation\n\t1184  GK104 [GeForce GTX 770]\n\t\t1043 8420  GTX770-DC2OC-2GD5\n8086  Intel Corporation\n\t56a0  DG2 [Arc A770]\n\te20b  Battlemage G21 [Arc B580]\nC 03  Display controller\n";

    #[test]
    fn the_system_copy_first_then_the_embedded_one() {
        let h = FakeHost::new().file("/usr/share/misc/pci.ids", SNIPPET);
        let db = system_db(&h);
        assert_eq!(
            name(db.as_deref(), 0x8086, 0x56a0).as_deref(),
            Some("Intel Arc A770")
        );
        // Not in the system excerpt: the embedded database knows it.
        assert_eq!(
            name(db.as_deref(), 0x8086, 0x7d55).as_deref(),
            Some("Intel Arc Graphics")
        );
        assert_eq!(
            name(None, 0x10de, 0x1184).as_deref(),
            Some("NVIDIA GeForce GTX 770")
        );
        assert_eq!(lookup_in(SNIPPET, 0x10de, 0x8420), None);
        assert_eq!(lookup_in(SNIPPET, 0x1002, 0x744c), None);
        assert_eq!(
            name(None, 0x8086, 0x46a6).as_deref(),
            Some("Intel Iris Xe Graphics")
        );
        assert_eq!(
            name(None, 0x8086, 0xe20b).as_deref(),
            Some("Intel Arc B580")
        );
        assert_eq!(name(None, 0xffff, 0x0001), None);
    }

    #[test]
    fn hwdata_path_too() {
        let h = FakeHost::new().file("/usr/share/hwdata/pci.ids", SNIPPET);
        assert!(system_db(&h).is_some());
        assert_eq!(system_db(&FakeHost::new()), None);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*", v: u16, d: u16) {
            let _ = lookup_in(&s, v, d);
            let _ = marketing(Vendor::Intel, &s);
        }
    }
}
