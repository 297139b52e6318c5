/* A stand-in for Windows' bcryptprimitives.dll, for running tests under Wine only.
 *
 * Rust's standard library (1.78 and later) gets random bytes from
 * bcryptprimitives.dll!ProcessPrng, which every Windows 10 and 11 has but Wine 8 does not:
 * there a Rust program stops at start-up. This DLL exports ProcessPrng and answers it with
 * advapi32!SystemFunction036 (RtlGenRandom), which Wine has. It is never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
