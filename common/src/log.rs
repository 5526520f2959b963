//! O registro (log) dos servidores: uma linha por acontecimento, na saída padrão.
//!
//! Por que não `println!`? Porque `println!` entra em pânico se a saída padrão
//! foi fechada (por exemplo `udp-echo servidor | head -1`), e um servidor não
//! pode parar por causa do seu log. [`log!`](crate::log!) escreve e ignora esse erro.

use std::fmt;
use std::io::Write;

/// Escreve uma linha de log na saída padrão, como `println!`, mas sem nunca
/// entrar em pânico.
#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => {
        $crate::log::write_line(::std::format_args!($($arg)*))
    };
}

/// O que [`log!`](crate::log!) chama: escreve `args` e uma quebra de linha.
pub fn write_line(args: fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stdout().lock(), "{args}");
}

/// Um trecho legível de uma mensagem para o log: o texto entre aspas, com
/// quebras de linha como `\n` e bytes inválidos em UTF-8 como `\xFF`, cortado
/// em `max_chars` caracteres (com `…` quando há mais).
pub fn preview(bytes: &[u8], max_chars: usize) -> String {
    let mut text = String::from("\"");
    let mut shown = 0;
    for chunk in bytes.utf8_chunks() {
        let pieces = chunk
            .valid()
            .chars()
            .map(|c| c.escape_debug().to_string())
            .chain(chunk.invalid().iter().map(|b| format!("\\x{b:02X}")));
        for piece in pieces {
            if shown == max_chars {
                text.push_str("\"…");
                return text;
            }
            text.push_str(&piece);
            shown += 1;
        }
    }
    text.push('"');
    text
}

#[cfg(test)]
mod tests {
    use super::preview;

    #[test]
    fn preview_mostra_acentos_e_escapa_o_resto() {
        assert_eq!(preview("ação\n".as_bytes(), 40), "\"ação\\n\"");
        assert_eq!(preview(b"a\xffb", 40), "\"a\\xFFb\"");
        assert_eq!(preview(b"abcdef", 3), "\"abc\"…");
        assert_eq!(preview(b"", 3), "\"\"");
    }
}
