//! Exercício 4: escritas parciais (`send_all`, em `common/src/tcp.rs`).
//!
//! Um "socket" de mentira que aceita poucos bytes de cada vez e às vezes é
//! interrompido: `send_all` tem de insistir até escrever tudo.

use std::io::{self, Write};

use avaliacao::assert_bytes_eq;
use common::tcp::send_all;

/// Aceita no máximo `chunk` bytes por `write`, e a cada 3 chamadas devolve
/// `Interrupted` (como quando um sinal interrompe a chamada ao sistema).
struct Stingy {
    written: Vec<u8>,
    chunk: usize,
    calls: usize,
}

impl Write for Stingy {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.calls += 1;
        if self.calls % 3 == 0 {
            return Err(io::Error::from(io::ErrorKind::Interrupted));
        }
        let n = data.len().min(self.chunk);
        self.written.extend_from_slice(&data[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Um `write` que devolve sempre o mesmo resultado. Chamado mil vezes, ele
/// desiste: um `send_all` que insiste num erro de verdade nunca terminaria.
struct Always(fn() -> io::Result<usize>, usize);

impl Write for Always {
    fn write(&mut self, _: &[u8]) -> io::Result<usize> {
        self.1 += 1;
        let result = (self.0)();
        assert!(
            self.1 < 1000,
            "send_all chamou o write mil vezes, e ele sempre devolve {result:?}: \
             só Interrupted é para tentar de novo; os outros erros voltam para quem chamou"
        );
        result
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn escreve_tudo_mesmo_aos_pedacos() {
    let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    let mut writer = Stingy {
        written: Vec::new(),
        chunk: 3,
        calls: 0,
    };
    if let Err(err) = send_all(&mut writer, &data) {
        panic!("send_all devolveu um erro com um write que só aceita 3 bytes por vez: {err}");
    }
    assert_bytes_eq(
        &data,
        &writer.written,
        "enviados 10 000 bytes, no máximo 3 aceitos por write",
    );
}

#[test]
fn insiste_quando_a_chamada_e_interrompida() {
    let mut writer = Stingy {
        written: Vec::new(),
        chunk: 1,
        calls: 0,
    };
    if let Err(err) = send_all(&mut writer, b"abcdef") {
        panic!(
            "send_all devolveu um erro com um write interrompido (Interrupted é para tentar de novo): {err}"
        );
    }
    assert_bytes_eq(
        b"abcdef",
        &writer.written,
        "enviado \"abcdef\", 1 byte por write",
    );
    assert!(writer.calls > 6, "houve interrupções no meio");
}

#[test]
fn write_que_aceita_zero_bytes_e_erro() {
    let mut writer = Always(|| Ok(0), 0);
    let Err(err) = send_all(&mut writer, b"x") else {
        panic!("um write que devolve Ok(0) tem de virar erro (senão o laço não termina)");
    };
    assert_eq!(
        err.kind(),
        io::ErrorKind::WriteZero,
        "o erro devia ser WriteZero"
    );
}

#[test]
fn outros_erros_chegam_a_quem_chamou() {
    let mut writer = Always(|| Err(io::Error::from(io::ErrorKind::BrokenPipe)), 0);
    let Err(err) = send_all(&mut writer, b"x") else {
        panic!("o write falhou com BrokenPipe, mas send_all devolveu Ok");
    };
    assert_eq!(
        err.kind(),
        io::ErrorKind::BrokenPipe,
        "o erro do write volta como veio"
    );
}

#[test]
fn nada_para_escrever_nao_e_erro() {
    let mut writer = Always(|| Err(io::Error::other("não devia ser chamado")), 0);
    if let Err(err) = send_all(&mut writer, b"") {
        panic!("com nada para enviar, send_all não deve chamar o write: {err}");
    }
}
