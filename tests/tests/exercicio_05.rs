//! Exercício 5: o limite de conexões do servidor concorrente (`try_admit`,
//! em `tcp-echo/src/server.rs`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;

use tcp_echo::server::try_admit;

#[test]
fn admite_ate_o_limite_e_depois_recusa() {
    let active = AtomicUsize::new(0);
    assert!(try_admit(&active, 2));
    assert!(try_admit(&active, 2));
    assert!(!try_admit(&active, 2), "a terceira passa do limite");
    assert_eq!(active.load(Ordering::SeqCst), 2, "recusar não muda a conta");
    // Uma conexão termina: abre uma vaga.
    active.fetch_sub(1, Ordering::SeqCst);
    assert!(try_admit(&active, 2));
    assert_eq!(active.load(Ordering::SeqCst), 2);
}

#[test]
fn limite_zero_recusa_tudo() {
    let active = AtomicUsize::new(0);
    assert!(!try_admit(&active, 0));
    assert_eq!(active.load(Ordering::SeqCst), 0);
}

#[test]
fn muitas_threads_ao_mesmo_tempo_nunca_passam_do_limite() {
    // 64 threads tentam entrar exatamente ao mesmo tempo, 200 vezes.
    for _ in 0..200 {
        let active = Arc::new(AtomicUsize::new(0));
        let start = Arc::new(Barrier::new(64));
        let admitted: usize = (0..64)
            .map(|_| {
                let active = Arc::clone(&active);
                let start = Arc::clone(&start);
                thread::spawn(move || {
                    start.wait();
                    try_admit(&active, 10)
                })
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|t| usize::from(t.join().unwrap()))
            .sum();
        assert_eq!(admitted, 10, "exatamente 10 vagas");
        assert_eq!(active.load(Ordering::SeqCst), 10);
    }
}
