/*
 * Um substituto mínimo da bcryptprimitives.dll, só para rodar no Wine 8.
 *
 * A biblioteca padrão do Rust no Windows pede bytes aleatórios (as chaves
 * do HashMap) a ProcessPrng, da bcryptprimitives.dll. O Windows 10 e 11 têm
 * essa função; o Wine 8 não, e o programa nem começa. Aqui ela pede os bytes
 * a SystemFunction036 (RtlGenRandom, da advapi32), que o Wine tem.
 *
 * Compilado pela .ci/wine/rodar a cada execução da CI (nunca um binário no
 * repositório):
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *       bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    /* RtlGenRandom conta em ULONG (32 bits); SIZE_T pode ser maior. */
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
