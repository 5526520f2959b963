//! Os testes de `server.rs` que precisam das partes de dentro dele.

use super::*;

/// Um `serve` como o do kit antes do exercício 3: pânico em toda conexão.
fn serve_todo(_stream: TcpStream, _client: SocketAddr, _idle: Duration) {
    todo!("Exercício 3: escreva esta parte (o enunciado está no livro)")
}

#[test]
fn panico_em_serve_nao_perde_a_vaga_nem_a_thread() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind na loopback");
    let address = listener.local_addr().expect("endereço");
    let max_connections = 2;
    let shared = Arc::new(Shared {
        listener,
        max_connections,
        idle_timeout: Duration::from_secs(5),
        active: AtomicUsize::new(0),
        pool: Pool::new(),
        accept_failed: OncePerSecond::new(),
        serve: serve_todo,
    });
    // Esta thread faz o papel da principal (a que nunca termina): se um
    // pânico a matasse, ninguém mais aceitaria conexões.
    let for_thread = Arc::clone(&shared);
    let main = thread::spawn(move || {
        spawn_spares(&for_thread);
        accept_loop(&for_thread, false);
    });
    // Mais conexões que vagas e que threads: se cada pânico perdesse a
    // vaga, a terceira já seria recusada ("servidor lotado"); se matasse a
    // thread, depois de 9 ninguém mais responderia.
    let rounds = 3 * (crate::threads::SPARE_THREADS + 1);
    for round in 0..rounds {
        let mut stream = TcpStream::connect(address).expect("connect na loopback");
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut answer = Vec::new();
        let outcome = stream.read_to_end(&mut answer);
        assert!(
            outcome.is_ok(),
            "conexão {round}: o servidor não fechou a conexão ({outcome:?})"
        );
        assert!(
            answer.is_empty(),
            "conexão {round}: veio {:?}",
            String::from_utf8_lossy(&answer)
        );
        // O cliente vê o fechamento no meio do pânico, um pouco antes de a
        // vaga voltar: espera por ela (com limite) antes da próxima conexão.
        assert!(
            wait_for_no_connections(&shared.active),
            "conexão {round}: a vaga não voltou"
        );
    }
    assert!(!main.is_finished(), "o pânico matou a thread principal");
    assert!(shared.pool.count() <= max_connections + crate::threads::SPARE_THREADS + 1);
}

#[test]
fn vaga_recusada_nao_devolve_a_vaga_de_ninguem() {
    let active = AtomicUsize::new(0);
    let first = Slot::take(&active, 1);
    assert!(first.is_some());
    // Lotado: nada de vaga, e a conta fica como estava.
    assert!(Slot::take(&active, 1).is_none());
    assert_eq!(active.load(Ordering::SeqCst), 1);
    drop(first);
    assert_eq!(active.load(Ordering::SeqCst), 0);
}

/// Espera (até 5 s) não haver nenhuma conexão ativa.
fn wait_for_no_connections(active: &AtomicUsize) -> bool {
    for _ in 0..250 {
        if active.load(Ordering::SeqCst) == 0 {
            return true;
        }
        thread::sleep(Duration::from_millis(20));
    }
    false
}
