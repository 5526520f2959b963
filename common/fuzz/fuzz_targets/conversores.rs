//! Os conversores da linha de comando com textos quaisquer: nunca entram em
//! pânico, e o que aceitam está sempre dentro da faixa que a ajuda promete.
#![no_main]

use std::time::Duration;

use common::cli;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = cli::port(text);
    let _ = cli::seed(text);
    if let Ok(seconds) = cli::seconds(text) {
        assert!(
            seconds >= Duration::from_millis(1),
            "{text:?} → {seconds:?}"
        );
        assert!(seconds <= Duration::from_secs(cli::MAX_SECONDS), "{text:?}");
    }
    if let Ok(millis) = cli::short_time(text) {
        assert!(millis <= Duration::from_millis(cli::MAX_MILLIS), "{text:?}");
    }
    if let Ok(p) = cli::probability(text) {
        assert!((0.0..=1.0).contains(&p), "{text:?} → {p}");
    }
    for max in [1, 100, 1000, 65_535, u32::MAX] {
        if let Ok(n) = cli::count_in(text, max) {
            assert!((1..=max).contains(&n), "{text:?} → {n}");
        }
    }
});
