/*
 * A stand-in bcryptprimitives.dll for wine 8 (Debian 12), which has none.
 *
 * Rust's standard library (1.78 and later) imports ProcessPrng from bcryptprimitives.dll for
 * its random numbers (HashMap seeds and the like), so without this DLL every Rust exe fails to
 * start under that wine. ProcessPrng hands the work to RtlGenRandom (exported by advapi32 as
 * SystemFunction036), which wine has. Test use only: .ci/run puts it in a throw-away wine
 * prefix; it is never shipped.
 */
#include <windows.h>

/* RtlGenRandom; the SDK headers declare it only under a different name. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* Fills data with len random bytes. Documented to always return TRUE; it returns FALSE if
 * RtlGenRandom fails, which Rust's std treats as a fatal error, as it should. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) {
            return FALSE;
        }
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
