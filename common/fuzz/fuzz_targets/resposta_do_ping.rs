//! O leitor das respostas do ping com bytes quaisquer (qualquer um pode
//! mandar qualquer coisa para a porta do pinger): nunca entra em pânico, e o
//! número que ele encontra está mesmo escrito na resposta.
#![no_main]

use libfuzzer_sys::fuzz_target;
use udp_echo::ping::sequence_of;

fuzz_target!(|data: &[u8]| {
    if let Some(seq) = sequence_of(data) {
        let text = std::str::from_utf8(data).expect("só texto tem número");
        let mut words = text.split_whitespace();
        assert!(words.next().is_some_and(|w| w.eq_ignore_ascii_case("ping")));
        let second = words.next().expect("o número vem depois de PING");
        assert_eq!(second.parse::<u32>().ok(), Some(seq));
    }
});
