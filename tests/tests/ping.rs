//! O pinger (`udp-echo ping`): números de sequência, tempo esgotado,
//! respostas atrasadas e duplicadas, e o resumo como o do `ping`.

use std::net::UdpSocket;
use std::thread;
use std::time::{Duration, Instant};

use avaliacao::{PATIENCE, Server, run};

#[test]
fn todos_respondidos_sem_perda() {
    let server = Server::start("udp-echo", &[]);
    let port = server.port().to_string();
    let output = run(
        "udp-echo",
        &[
            "ping",
            "--porta",
            &port,
            "--contagem",
            "5",
            "--intervalo",
            "20ms",
        ],
        b"",
    );
    assert!(output.status.success(), "{}", output.stderr);
    let text = output.stdout_text();
    for seq in 1..=5 {
        assert!(text.contains(&format!("seq={seq} tempo=")), "{text}");
    }
    assert!(
        text.contains("5 enviados, 5 recebidos, 0,0 % de perda"),
        "{text}"
    );
    assert!(text.contains("rtt mín/méd/máx/mdev = "), "{text}");
}

#[test]
fn sem_servidor_todos_perdidos_termina_no_prazo_e_sai_com_erro() {
    let port = avaliacao::free_port();
    let started = Instant::now();
    let output = avaliacao::run_ping(port, "3", "10", "0.2");
    assert_eq!(output.status.code(), Some(1));
    let text = output.stdout_text();
    assert_eq!(text.matches("Tempo esgotado").count(), 3, "{text}");
    assert!(
        text.contains("3 enviados, 0 recebidos, 100,0 % de perda"),
        "{text}"
    );
    assert!(output.stderr.contains("nenhum dos 3 pings teve resposta"));
    // 3 esperas de 0,2 s: bem menos que a paciência do teste.
    assert!(started.elapsed() < PATIENCE);
}

/// Um servidor de mentira, feito aqui: responde o ping 1 duas vezes, o ping
/// 2 só depois do tempo-limite, e o ping 3 normalmente.
#[test]
fn respostas_atrasadas_e_duplicadas_sao_reconhecidas() {
    let fake = UdpSocket::bind("127.0.0.1:0").unwrap();
    fake.set_read_timeout(Some(PATIENCE)).unwrap();
    let port = fake.local_addr().unwrap().port();
    let responder = thread::spawn(move || {
        let mut buffer = [0u8; 256];
        for seq in 1..=3 {
            let (n, from) = fake.recv_from(&mut buffer).unwrap();
            let reply = buffer[..n].to_ascii_uppercase();
            assert!(reply.starts_with(format!("PING {seq} ").as_bytes()));
            match seq {
                1 => {
                    fake.send_to(&reply, from).unwrap();
                    fake.send_to(&reply, from).unwrap();
                }
                2 => {
                    // Tempo-limite do pinger: 0,3 s. Esta chega com 0,65 s.
                    thread::sleep(Duration::from_millis(650));
                    fake.send_to(&reply, from).unwrap();
                }
                _ => {
                    fake.send_to(&reply, from).unwrap();
                }
            }
        }
    });
    let output = avaliacao::run_ping(port, "3", "1300", "0.3");
    responder.join().unwrap();
    let text = output.stdout_text();
    assert!(output.status.success(), "{text}\n{}", output.stderr);
    assert!(text.contains("seq=1 tempo="), "{text}");
    assert!(text.contains("resposta DUPLICADA ao ping 1"), "{text}");
    assert!(text.contains("ping 2: Tempo esgotado"), "{text}");
    assert!(text.contains("resposta ATRASADA ao ping 2"), "{text}");
    assert!(text.contains("seq=3 tempo="), "{text}");
    assert!(
        !text.contains("seq=2 tempo="),
        "a atrasada não conta como resposta: {text}"
    );
    assert!(
        text.contains("3 enviados, 2 recebidos, 33,3 % de perda"),
        "{text}"
    );
}
