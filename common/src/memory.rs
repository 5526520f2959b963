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
}
