//! What never leaves the machine: host name, user name (also inside paths: home becomes `~`),
//! GPU UUIDs and serial numbers, MAC and IP addresses, and secret-looking values.
//! TODO(sharing): complete per the sharing issue.

use crate::host::Host;

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    hostname: Option<String>,
    username: Option<String>,
    home: Option<String>,
}

impl Redactor {
    /// Learn the identifying values of this machine.
    pub fn from_host(host: &dyn Host) -> Redactor {
        let hostname = host
            .read_text("/proc/sys/kernel/hostname")
            .map(|s| s.trim().to_string())
            .or_else(|| host.env("COMPUTERNAME"))
            .or_else(|| host.env("HOSTNAME"))
            .filter(|s| !s.is_empty());
        let username = host
            .env("USER")
            .or_else(|| host.env("USERNAME"))
            .or_else(|| host.env("LOGNAME"))
            .filter(|s| !s.is_empty());
        let home = host
            .env("HOME")
            .or_else(|| host.env("USERPROFILE"))
            .filter(|s| s.len() > 1);
        Redactor {
            hostname,
            username,
            home,
        }
    }

    pub fn text(&self, s: &str) -> String {
        let mut out = s.to_string();
        if let Some(h) = &self.home {
            out = out.replace(h.as_str(), "~");
        }
        if let Some(h) = &self.hostname {
            out = out.replace(h.as_str(), "<host>");
        }
        if let Some(u) = &self.username {
            out = out.replace(u.as_str(), "<user>");
        }
        out
    }
}
