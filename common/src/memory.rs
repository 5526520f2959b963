//! Memória pedida sem risco de abortar.
//!
//! `vec![0u8; n]` aborta o programa inteiro quando o sistema não tem a
//! memória ("memory allocation of 65536 bytes failed"): num servidor, uma
//! conexão a mais derrubaria todas as outras. Com `try_reserve`, a falta de
//! memória vira um erro comum (`ErrorKind::OutOfMemory`), que quem pediu
//! trata: o servidor recusa a conexão, o bench explica antes de começar.

use std::io;

/// Um buffer de `size` bytes zerados, ou o erro `OutOfMemory` se o sistema
/// não tem a memória.
pub fn buffer(size: usize) -> io::Result<Vec<u8>> {
    let mut buffer = Vec::new();
    buffer
        .try_reserve_exact(size)
        .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
    // Cabe na capacidade já reservada: o `resize` não pede mais memória.
    buffer.resize(size, 0);
    Ok(buffer)
}

/// Confere, antes de começar, se `bytes` cabem na memória que o processo
/// pode usar: pede tudo de uma vez e devolve. Não garante que cada pedido
/// depois vá dar certo, mas pega o caso comum (um `ulimit -v` ou uma conta
/// que passa da memória da máquina) antes de qualquer trabalho. Enquanto
/// confere, ocupa essa memória por um instante: a folga pedida tem de
/// cobrir também o que as outras threads pedem nesse instante.
pub fn fits(bytes: usize) -> bool {
    Vec::<u8>::new().try_reserve_exact(bytes).is_ok()
}

/// A folga que o servidor mantém sempre livre sob um `ulimit -v`: 8 MiB.
/// Quem cresce de repente é a criação de threads e os buffers das conexões,
/// e esses passam por [`room_for`] antes. A folga fica para as alocações
/// pequenas que ninguém confere (uma linha de log, a pilha de sinais e os
/// destrutores de uma thread nova): se uma delas falhar, o Rust e a glibc
/// abortam o programa inteiro, e a folga existe para isso nunca acontecer.
pub const HEADROOM: usize = 8 * 1024 * 1024;

/// Cabem mais `bytes` no espaço de endereçamento, deixando livre a folga
/// [`HEADROOM`]? Sem `ulimit -v` (o normal), ou fora do Linux, sempre cabem:
/// a conta é do `ulimit -v`, que limita a memória *reservada* (o `VmSize`),
/// não a usada.
pub fn room_for(bytes: usize) -> bool {
    match address_space_left() {
        Some(left) => left >= bytes.saturating_add(HEADROOM),
        None => true,
    }
}

/// Um heap só para todas as threads, sob um `ulimit -v` (veja o crate `sistema`).
pub use sistema::single_malloc_arena;

/// Quanto falta para o limite do `ulimit -v`, em bytes: o limite menos o
/// `VmSize` do processo, lidos em `/proc/self/limits` e `/proc/self/status`
/// (arquivos de texto, sem `unsafe`). `None` quando não há limite ou quando
/// não dá para saber (sem `/proc`, sem descritores livres para abrir o arquivo).
pub fn address_space_left() -> Option<usize> {
    let limit = address_space_limit(&std::fs::read_to_string("/proc/self/limits").ok()?)?;
    let used = vm_size(&std::fs::read_to_string("/proc/self/status").ok()?)?;
    Some(limit.saturating_sub(used))
}

/// O limite "soft" do espaço de endereçamento, na linha
/// `Max address space   unlimited   unlimited   bytes` de `/proc/self/limits`.
fn address_space_limit(limits: &str) -> Option<usize> {
    let line = limits
        .lines()
        .find_map(|line| line.strip_prefix("Max address space"))?;
    line.split_whitespace().next()?.parse().ok()
}

/// O `VmSize` (memória reservada) de `/proc/self/status`, de kB para bytes.
fn vm_size(status: &str) -> Option<usize> {
    let line = status
        .lines()
        .find_map(|line| line.strip_prefix("VmSize:"))?;
    let kilobytes: usize = line.split_whitespace().next()?.parse().ok()?;
    kilobytes.checked_mul(1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_tem_o_tamanho_pedido_zerado() {
        let buffer = buffer(1000).expect("1000 bytes cabem");
        assert_eq!(buffer, vec![0u8; 1000]);
    }

    #[test]
    fn pedido_impossivel_vira_erro_e_nao_aborta() {
        let err = buffer(usize::MAX).expect_err("usize::MAX bytes não cabem");
        assert_eq!(err.kind(), io::ErrorKind::OutOfMemory);
        assert!(!fits(usize::MAX));
        assert!(fits(1024));
    }

    #[test]
    fn le_o_limite_e_o_vmsize_do_proc() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max processes             63459                63459                processes \n\
                      Max address space         52428800             unlimited            bytes     \n";
        assert_eq!(address_space_limit(limits), Some(52_428_800));
        let unlimited = limits.replace("52428800 ", "unlimited");
        assert_eq!(address_space_limit(&unlimited), None);
        assert_eq!(address_space_limit("nada aqui"), None);
        let status = "Name:\ttcp-echo\nVmPeak:\t  700000 kB\nVmSize:\t  599856 kB\n";
        assert_eq!(vm_size(status), Some(599_856 * 1024));
        assert_eq!(vm_size("VmSize:\t lixo kB\n"), None);
    }

    #[test]
    fn sem_limite_sempre_cabe() {
        // Os testes não rodam sob `ulimit -v`; se rodassem, o limite seria
        // lido de verdade e a conta faria sentido do mesmo jeito.
        if address_space_left().is_none() {
            assert!(room_for(usize::MAX));
        } else {
            assert!(!room_for(usize::MAX));
        }
    }
}
