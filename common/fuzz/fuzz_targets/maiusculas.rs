//! A transformação em maiúsculas com bytes quaisquer: nunca entra em pânico,
//! o `Uppercaser` cortado em pedaços dá o mesmo que a mensagem inteira, e a
//! versão do servidor UDP nunca devolve mais bytes do que recebeu.
#![no_main]

use common::transform::{Uppercaser, push_upper_no_longer, to_upper};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // O primeiro byte escolhe onde cortar: a cada `step` bytes (1 a 8).
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let whole = to_upper(bytes);

    let step = usize::from(first % 8) + 1;
    let mut upper = Uppercaser::new();
    let mut streamed = Vec::new();
    for piece in bytes.chunks(step) {
        upper.push(piece, &mut streamed);
    }
    upper.finish(&mut streamed);
    assert_eq!(streamed, whole, "em pedaços de {step} bytes");

    let mut bounded = Vec::new();
    let kept = push_upper_no_longer(bytes, &mut bounded);
    assert!(bounded.len() <= bytes.len());
    if kept == 0 {
        assert_eq!(bounded, whole);
    }

    if let Ok(text) = std::str::from_utf8(bytes) {
        assert_eq!(whole, text.to_uppercase().into_bytes());
    }
});
