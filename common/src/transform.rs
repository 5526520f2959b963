//! A transformação do eco: a frase volta em maiúsculas.
//!
//! Nas notas, `sentence.upper()` sobre `bytes` só muda as letras ASCII:
//! `b'ação'.upper()` dá `b'AçãO'`. Aqui o texto em UTF-8 recebe as maiúsculas
//! completas do Unicode (`ação` → `AÇÃO`, `straße` → `STRASSE`), e bytes que não
//! são UTF-8 válido passam **sem mudança**: nunca um pânico, nunca um `�`.

// ANCHOR: to_upper
/// Devolve `input` em maiúsculas (veja o módulo).
pub fn to_upper(input: &[u8]) -> Vec<u8> {
    let mut output = Vec::with_capacity(input.len());
    push_upper(input, &mut output);
    output
}

/// Acrescenta a `output` o `input` em maiúsculas, sem alocar um vetor novo.
pub fn push_upper(input: &[u8], output: &mut Vec<u8>) {
    if input.is_ascii() {
        // Caminho rápido, o mais comum: em ASCII, maiúscula é só trocar cada
        // letra de a-z por A-Z, sem decodificar nada.
        output.extend(input.iter().map(u8::to_ascii_uppercase));
        return;
    }
    for chunk in input.utf8_chunks() {
        push_upper_str(chunk.valid(), output);
        output.extend_from_slice(chunk.invalid());
    }
}

fn push_upper_str(text: &str, output: &mut Vec<u8>) {
    let mut encoded = [0u8; 4];
    for c in text.chars().flat_map(char::to_uppercase) {
        output.extend_from_slice(c.encode_utf8(&mut encoded).as_bytes());
    }
}
// ANCHOR_END: to_upper

// ANCHOR: upper_no_longer
/// Como [`push_upper`], mas a resposta **nunca fica maior** que a pergunta: o
/// caractere cuja maiúscula ocupa mais bytes que ele (`ŉ` → `ʼN`, `ΐ` → `Ϊ́`,
/// 2 bytes que viram 3 e 6) fica como veio. Devolve quantos ficaram assim.
///
/// É a escolha do servidor UDP: um servidor que responde com mais bytes do que
/// recebe vira um amplificador de ataques por reflexão (veja o livro, "O que a
/// versão em Rust acrescenta"). Em texto comum nada muda: `ação` → `AÇÃO`,
/// `straße` → `STRASSE` (o `ß` tem 2 bytes, `SS` também).
pub fn push_upper_no_longer(input: &[u8], output: &mut Vec<u8>) -> usize {
    if input.is_ascii() {
        output.extend(input.iter().map(u8::to_ascii_uppercase));
        return 0;
    }
    let mut kept = 0;
    let mut encoded = [0u8; 4];
    for chunk in input.utf8_chunks() {
        for c in chunk.valid().chars() {
            let upper_len: usize = c.to_uppercase().map(char::len_utf8).sum();
            if upper_len <= c.len_utf8() {
                for u in c.to_uppercase() {
                    output.extend_from_slice(u.encode_utf8(&mut encoded).as_bytes());
                }
            } else {
                output.extend_from_slice(c.encode_utf8(&mut encoded).as_bytes());
                kept += 1;
            }
        }
        output.extend_from_slice(chunk.invalid());
    }
    kept
}
// ANCHOR_END: upper_no_longer

// ANCHOR: uppercaser
/// A mesma transformação para um fluxo TCP, que chega em pedaços.
///
/// Um caractere de vários bytes (o `ç` é `C3 A7`) pode ser cortado entre dois
/// `read`: o primeiro traz `C3`, o segundo `A7`. Transformar cada pedaço
/// isoladamente deixaria o `C3` passar sem mudança e o `ç` nunca viraria `Ç`.
/// `Uppercaser` guarda o início incompleto (no máximo 3 bytes) até o próximo
/// pedaço; [`Uppercaser::finish`] devolve o que sobrou quando o fluxo acaba.
#[derive(Debug, Default)]
pub struct Uppercaser {
    pending: Vec<u8>,
}

impl Uppercaser {
    /// Um transformador sem nada pendente.
    pub fn new() -> Self {
        Self::default()
    }

    // ANCHOR: uppercaser_push
    /// Transforma mais um pedaço do fluxo, acrescentando o resultado a `output`.
    pub fn push(&mut self, input: &[u8], output: &mut Vec<u8>) {
        if self.pending.is_empty() {
            self.pending_from(input, output);
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(input);
            self.pending_from(&joined, output);
        }
    }
    // ANCHOR_END: uppercaser_push

    /// No máximo quantos bytes [`Uppercaser::push`] acrescenta por um pedaço
    /// de `input_len` bytes, para reservar o espaço antes: a maiúscula tem
    /// até o triplo dos bytes (`ΐ`, 2 bytes, vira `Ϊ́`, 6), e o caractere
    /// que se completa com o byte pendente de antes pode dar mais 3.
    pub fn max_output(input_len: usize) -> usize {
        input_len.saturating_mul(3).saturating_add(3)
    }

    /// O fluxo acabou: devolve os bytes pendentes como estão (eram o começo de
    /// um caractere que nunca se completou).
    pub fn finish(&mut self, output: &mut Vec<u8>) {
        output.append(&mut self.pending);
    }

    // ANCHOR: pending_from
    fn pending_from(&mut self, input: &[u8], output: &mut Vec<u8>) {
        let complete = input.len() - incomplete_tail(input);
        push_upper(&input[..complete], output);
        self.pending.extend_from_slice(&input[complete..]);
    }
    // ANCHOR_END: pending_from
}

/// Quantos bytes no fim de `input` são o começo de um caractere UTF-8 que
/// ainda pode se completar com o próximo pedaço (0 a 3).
fn incomplete_tail(input: &[u8]) -> usize {
    // Um caractere tem no máximo 4 bytes, então só os últimos 3 interessam.
    // Procura, de trás para a frente, o primeiro byte que não é de
    // continuação (os de continuação são 10xxxxxx): é onde começa o último
    // caractere. Se dali até o fim falta byte, `from_utf8` diz "faltam bytes"
    // (`error_len() == None`) em vez de "bytes inválidos".
    let is_continuation = |b: u8| b & 0b1100_0000 == 0b1000_0000;
    for len in 1..=input.len().min(3) {
        let tail = &input[input.len() - len..];
        if !is_continuation(tail[0]) {
            return match std::str::from_utf8(tail) {
                Err(e) if e.valid_up_to() == 0 && e.error_len().is_none() => len,
                _ => 0,
            };
        }
    }
    0
}
// ANCHOR_END: uppercaser

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn upper(s: &str) -> String {
        String::from_utf8(to_upper(s.as_bytes())).unwrap()
    }

    fn streamed(pieces: &[&[u8]]) -> Vec<u8> {
        let mut upper = Uppercaser::new();
        let mut output = Vec::new();
        for piece in pieces {
            upper.push(piece, &mut output);
        }
        upper.finish(&mut output);
        output
    }

    #[test]
    fn acentos_viram_maiusculas() {
        assert_eq!(upper("ação"), "AÇÃO");
        assert_eq!(upper("conexão não é coração"), "CONEXÃO NÃO É CORAÇÃO");
        assert_eq!(upper("straße"), "STRASSE");
        assert_eq!(upper("hello world\n"), "HELLO WORLD\n");
        assert_eq!(upper(""), "");
    }

    #[test]
    fn bytes_invalidos_passam_sem_mudanca() {
        assert_eq!(to_upper(b"ab\xffcd\xc3"), b"AB\xffCD\xc3");
        assert_eq!(to_upper(b"\x00\x01\xfe\xff"), b"\x00\x01\xfe\xff");
        assert_eq!(to_upper("çã\u{0}".as_bytes()), "ÇÃ\u{0}".as_bytes());
    }

    #[test]
    fn caractere_cortado_entre_dois_pedacos() {
        let cedilla = "ç".as_bytes();
        assert_eq!(
            streamed(&[b"a", &cedilla[..1], &cedilla[1..], b"o"]),
            "AÇO".as_bytes()
        );
        let euro = "€".as_bytes(); // 3 bytes: E2 82 AC
        assert_eq!(streamed(&[&euro[..1], &euro[1..2], &euro[2..]]), euro);
    }

    #[test]
    fn inicio_de_caractere_que_nunca_se_completa_sai_no_fim() {
        assert_eq!(streamed(&[b"ab\xc3"]), b"AB\xc3");
        assert_eq!(streamed(&[b"ab\xe2\x82", b"x"]), b"AB\xe2\x82X");
    }

    /// O que um `push` acrescenta depois de outro `push` anterior.
    fn grows_by(first: &[u8], second: &[u8]) -> usize {
        let mut upper = Uppercaser::new();
        let mut output = Vec::new();
        upper.push(first, &mut output);
        let before = output.len();
        upper.push(second, &mut output);
        output.len() - before
    }

    #[test]
    fn max_output_e_o_pior_caso_e_nao_menos() {
        // O pior caso de verdade: um `\xCE` pendente, e o pedaço seguinte
        // completa um `ΐ` e traz mais k `ΐ`: 6 bytes a mais por `ΐ`.
        for k in 0..5 {
            let mut second = b"\x90".to_vec();
            second.extend("ΐ".repeat(k).as_bytes());
            let grown = grows_by(b"\xCE", &second);
            assert_eq!(grown, 6 + 6 * k);
            assert_eq!(grown, Uppercaser::max_output(second.len()));
        }
        assert_eq!(Uppercaser::max_output(0), 3);
        assert_eq!(Uppercaser::max_output(usize::MAX), usize::MAX);
    }

    #[test]
    fn max_output_vale_em_todo_corte() {
        let text = "aΐçΰ€ŉ\u{1F600}ßᾷ".repeat(3);
        let bytes = text.as_bytes();
        for at in 0..=bytes.len() {
            let grown = grows_by(&bytes[..at], &bytes[at..]);
            assert!(
                grown <= Uppercaser::max_output(bytes.len() - at),
                "corte em {at}"
            );
        }
    }

    fn no_longer(input: &[u8]) -> (Vec<u8>, usize) {
        let mut output = Vec::new();
        let kept = push_upper_no_longer(input, &mut output);
        (output, kept)
    }

    #[test]
    fn sem_ampliar_letras_que_crescem_ficam_como_vieram() {
        assert_eq!(
            no_longer("ação straße".as_bytes()),
            ("AÇÃO STRASSE".into(), 0)
        );
        assert_eq!(no_longer("aΐbΰcŉ".as_bytes()), ("AΐBΰCŉ".into(), 3));
        assert_eq!(no_longer(b"ab\xffc"), (b"AB\xffC".to_vec(), 0));
        assert_eq!(upper("ΐ").len(), 3 * "ΐ".len());
    }

    proptest! {
        #[test]
        fn sem_ampliar_nunca_cresce_e_no_resto_e_igual(
            bytes in proptest::collection::vec(
                prop_oneof![any::<u8>(), Just(0xCEu8), Just(0x90u8), Just(0xC5u8), Just(0x89u8)],
                0..256,
            ),
        ) {
            let (output, kept) = no_longer(&bytes);
            prop_assert!(output.len() <= bytes.len());
            if kept == 0 {
                prop_assert_eq!(output, to_upper(&bytes));
            }
        }

        #[test]
        fn nunca_entra_em_panico(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = to_upper(&bytes);
        }

        #[test]
        fn ascii_mantem_o_tamanho(text in "[\\x00-\\x7f]{0,256}") {
            let output = to_upper(text.as_bytes());
            prop_assert_eq!(output.len(), text.len());
            prop_assert_eq!(output, text.to_ascii_uppercase().into_bytes());
        }

        #[test]
        fn texto_valido_igual_ao_to_uppercase(text in "\\PC{0,64}") {
            prop_assert_eq!(to_upper(text.as_bytes()), text.to_uppercase().into_bytes());
        }

        #[test]
        fn cortar_em_pedacos_nao_muda_o_resultado(
            bytes in proptest::collection::vec(
                prop_oneof![any::<u8>(), Just(0xC3u8), Just(0xA7u8), Just(0xE2u8), Just(0x82u8)],
                0..256,
            ),
            cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..8),
        ) {
            let mut positions: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
            positions.sort_unstable();
            let mut pieces = Vec::new();
            let mut start = 0;
            for end in positions {
                pieces.push(&bytes[start..end]);
                start = end;
            }
            pieces.push(&bytes[start..]);
            prop_assert_eq!(streamed(&pieces), to_upper(&bytes));
        }

        #[test]
        fn texto_com_acentos_cortado_em_pedacos(
            text in "[a-zçãéêíóõú ß€\\x{1F600}]{0,64}",
            cut in any::<prop::sample::Index>(),
        ) {
            let bytes = text.as_bytes();
            let at = cut.index(bytes.len() + 1);
            prop_assert_eq!(streamed(&[&bytes[..at], &bytes[at..]]), text.to_uppercase().into_bytes());
        }
    }
}
