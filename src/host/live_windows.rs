//! The Windows calls behind [`super::LiveHost`]: memory, free disk, registry values, and a Job
//! Object per child so that a timeout ends the whole process tree.

use crate::host::{Memory, RegValue};
use std::os::windows::io::AsRawHandle;
use windows_sys::Win32::Foundation::{CloseHandle, ERROR_SUCCESS, HANDLE};
use windows_sys::Win32::Storage::FileSystem::GetDiskFreeSpaceExW;
use windows_sys::Win32::System::JobObjects::{
    AssignProcessToJobObject, CreateJobObjectW, JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION, JobObjectExtendedLimitInformation,
    SetInformationJobObject, TerminateJobObject,
};
use windows_sys::Win32::System::Registry::{
    HKEY, HKEY_CURRENT_USER, HKEY_LOCAL_MACHINE, REG_DWORD, REG_EXPAND_SZ, REG_QWORD, REG_SZ,
    RRF_NOEXPAND, RRF_RT_REG_DWORD, RRF_RT_REG_EXPAND_SZ, RRF_RT_REG_QWORD, RRF_RT_REG_SZ,
    RegGetValueW,
};
use windows_sys::Win32::System::SystemInformation::{GlobalMemoryStatusEx, MEMORYSTATUSEX};

/// NUL-terminated UTF-16, as the wide Windows API takes strings.
fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

pub fn memory() -> Option<Memory> {
    // SAFETY: MEMORYSTATUSEX is plain data; dwLength must be set before the call, which
    // fills the struct we own.
    unsafe {
        let mut st: MEMORYSTATUSEX = std::mem::zeroed();
        st.dwLength = std::mem::size_of::<MEMORYSTATUSEX>() as u32;
        if GlobalMemoryStatusEx(&mut st) == 0 || st.ullTotalPhys == 0 {
            return None;
        }
        Some(Memory {
            total_bytes: st.ullTotalPhys,
            available_bytes: st.ullAvailPhys,
        })
    }
}

/// Bytes free to this user (quotas included) on the volume of `path`.
pub fn free_disk_bytes(path: &str) -> Option<u64> {
    let p = wide(path);
    let mut free_to_caller = 0u64;
    // SAFETY: `p` is NUL-terminated and outlives the call; the out pointers are ours or null.
    let ok = unsafe {
        GetDiskFreeSpaceExW(
            p.as_ptr(),
            &mut free_to_caller,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    };
    (ok != 0).then_some(free_to_caller)
}

/// The longest registry string read; version strings and policy values are short.
const MAX_REG_BYTES: u32 = 64 * 1024;

/// `HKLM\SOFTWARE\...` or `HKCU\...`: a DWORD, QWORD or string value; `None` otherwise.
pub fn registry(key: &str, name: &str) -> Option<RegValue> {
    let (root, sub): (HKEY, &str) = match key.split_once('\\') {
        Some(("HKLM" | "HKEY_LOCAL_MACHINE", rest)) => (HKEY_LOCAL_MACHINE, rest),
        Some(("HKCU" | "HKEY_CURRENT_USER", rest)) => (HKEY_CURRENT_USER, rest),
        _ => return None,
    };
    let sub = wide(sub);
    let value = wide(name);
    let flags = RRF_RT_REG_DWORD | RRF_RT_REG_QWORD | RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ;
    let mut kind = 0u32;
    let mut len = 0u32;
    // SAFETY: the strings are NUL-terminated and outlive the calls. The first call passes no
    // buffer and learns the type and size; the second fills a buffer of at least that size
    // (u64-aligned, as a QWORD needs). RRF_NOEXPAND keeps REG_EXPAND_SZ as stored.
    unsafe {
        let rc = RegGetValueW(
            root,
            sub.as_ptr(),
            value.as_ptr(),
            flags | RRF_NOEXPAND,
            &mut kind,
            std::ptr::null_mut(),
            &mut len,
        );
        if rc != ERROR_SUCCESS || len > MAX_REG_BYTES {
            return None;
        }
        let mut buf = vec![0u64; (len as usize).div_ceil(8).max(1)];
        let mut len = (buf.len() * 8) as u32;
        let rc = RegGetValueW(
            root,
            sub.as_ptr(),
            value.as_ptr(),
            flags | RRF_NOEXPAND,
            &mut kind,
            buf.as_mut_ptr().cast(),
            &mut len,
        );
        if rc != ERROR_SUCCESS {
            return None;
        }
        let bytes = std::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), len as usize);
        match kind {
            REG_DWORD if bytes.len() >= 4 => {
                Some(RegValue::Number(u64::from(u32::from_le_bytes([
                    bytes[0], bytes[1], bytes[2], bytes[3],
                ]))))
            }
            REG_QWORD if bytes.len() >= 8 => {
                let mut b = [0u8; 8];
                b.copy_from_slice(&bytes[..8]);
                Some(RegValue::Number(u64::from_le_bytes(b)))
            }
            REG_SZ | REG_EXPAND_SZ => {
                let units: Vec<u16> = bytes
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .take_while(|&u| u != 0)
                    .collect();
                Some(RegValue::Text(String::from_utf16_lossy(&units)))
            }
            _ => None,
        }
    }
}

/// A Job Object holding one child and everything it starts: terminated on timeout, after the
/// child exits (its leftovers), and by Windows itself when the handle closes, so a tool's
/// children also die when aidoctor is stopped with Ctrl-C.
pub struct Job(HANDLE);

// SAFETY: a job handle may be used from any thread.
unsafe impl Send for Job {}

impl Job {
    /// A job with `child` in it; `None` if Windows refused (then only the child is killed).
    /// A process the child starts before it is assigned escapes the job: the window is the
    /// few instructions between spawn and assignment.
    pub fn for_child(child: &std::process::Child) -> Option<Job> {
        // SAFETY: plain Win32 calls on handles we own; the limit struct is plain data.
        unsafe {
            let h = CreateJobObjectW(std::ptr::null(), std::ptr::null());
            if h.is_null() {
                return None;
            }
            let job = Job(h);
            let mut info: JOBOBJECT_EXTENDED_LIMIT_INFORMATION = std::mem::zeroed();
            info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
            let ok = SetInformationJobObject(
                h,
                JobObjectExtendedLimitInformation,
                (&info as *const JOBOBJECT_EXTENDED_LIMIT_INFORMATION).cast(),
                std::mem::size_of::<JOBOBJECT_EXTENDED_LIMIT_INFORMATION>() as u32,
            );
            if ok == 0 || AssignProcessToJobObject(h, child.as_raw_handle() as HANDLE) == 0 {
                return None;
            }
            Some(job)
        }
    }

    pub fn kill(&self) {
        // SAFETY: the handle is ours and open until drop.
        unsafe {
            TerminateJobObject(self.0, 1);
        }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        // SAFETY: closed once, here.
        unsafe {
            CloseHandle(self.0);
        }
    }
}
