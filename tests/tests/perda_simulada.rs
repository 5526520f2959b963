//! A rede ruim de mentira do servidor UDP (`--perda`, `--atraso`,
//! `--variacao`, `--semente`), vista pelo pinger e pelo cliente.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use avaliacao::{PATIENCE, Server, receive_reply, run};

/// Troca os tempos medidos (que variam) por `[RTT]`, para o snapshot.
fn hide_times(text: &str) -> String {
    avaliacao::hide_ports(text)
        .lines()
        .map(|line| {
            if let Some(at) = line.find("tempo=") {
                format!("{}tempo=[RTT]", &line[..at])
            } else if line.starts_with("rtt ") {
                "rtt mín/méd/máx/mdev = [RTT]".to_string()
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn ping_com_trinta_por_cento_de_perda_e_semente_fixa_da_sempre_o_mesmo_resumo() {
    let server = Server::start("udp-echo", &["--perda", "0.3", "--semente", "42"]);
    let port = server.port();
    let output = avaliacao::run_ping(port, "20", "10", "0.3");
    assert!(output.status.success(), "{}", output.stderr);
    insta::assert_snapshot!(hide_times(&output.stdout_text()));
    assert!(server.wait_for_log("descartado (perda simulada)"));
}

#[test]
fn ping_com_perda_total_termina_no_prazo_e_sai_com_erro() {
    let server = Server::start("udp-echo", &["--perda", "1"]);
    let port = server.port();
    let started = Instant::now();
    let output = avaliacao::run_ping(port, "4", "10", "0.2");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        output
            .stdout_text()
            .contains("4 enviados, 0 recebidos, 100,0 % de perda")
    );
    assert!(started.elapsed() < PATIENCE);
}

#[test]
fn atraso_maior_que_o_tempo_limite_vira_resposta_atrasada() {
    let server = Server::start("udp-echo", &["--atraso", "400ms"]);
    let port = server.port();
    let output = avaliacao::run_ping(port, "2", "700", "0.15");
    let text = output.stdout_text();
    assert!(text.contains("ping 1: Tempo esgotado"), "{text}");
    assert!(text.contains("resposta ATRASADA ao ping 1"), "{text}");
    assert!(text.contains("2 enviados, 0 recebidos"), "{text}");
}

#[test]
fn variacao_do_atraso_troca_a_ordem_das_respostas() {
    let server = Server::start(
        "udp-echo",
        &["--atraso", "60ms", "--variacao", "55ms", "--semente", "7"],
    );
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..20 {
        socket
            .send_to(format!("{i:02}").as_bytes(), server.addr)
            .unwrap();
    }
    let mut order = Vec::new();
    for _ in 0..20 {
        let what = format!("a resposta {} de 20 (vieram: {order:?})", order.len() + 1);
        let (reply, _) = receive_reply(&server, &socket, &what);
        order.push(String::from_utf8_lossy(&reply).into_owned());
    }
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(sorted.len(), 20, "todas chegaram");
    assert_ne!(order, sorted, "com variação, a ordem muda: {order:?}");
}

#[test]
fn cliente_reenvia_ate_passar_pela_perda() {
    // Com a semente 42 e 30 % de perda, o servidor responde o 1º datagrama,
    // perde o 2º e o 3º, e responde o 4º (o mesmo sorteio do snapshot acima).
    let server = Server::start("udp-echo", &["--perda", "0.3", "--semente", "42"]);
    let port = server.port().to_string();
    let warmup = UdpSocket::bind("127.0.0.1:0").unwrap();
    warmup.send_to(b"primeiro", server.addr).unwrap();
    assert!(server.wait_for_log("\"primeiro\""));
    let output = run(
        "udp-echo",
        &[
            "cliente",
            "--porta",
            &port,
            "--timeout",
            "0.3",
            "--tentativas",
            "5",
            "perdida?",
        ],
        b"",
    );
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "PERDIDA?\n");
    assert!(
        output.stderr.contains("tentativa 3 de 5"),
        "{}",
        output.stderr
    );
    assert!(
        !output.stderr.contains("tentativa 4 de 5"),
        "{}",
        output.stderr
    );
    assert!(server.wait_for_log("\"#3 perdida?\""), "{:?}", server.log());
}

#[test]
fn cliente_reconhece_a_resposta_atrasada_de_uma_tentativa_anterior() {
    // Cada resposta sai 0,5 s depois; o cliente desiste da 1ª tentativa em
    // 0,3 s e, durante a 2ª, chega a resposta da 1ª.
    let server = Server::start("udp-echo", &["--atraso", "500ms"]);
    let port = server.port().to_string();
    let output = run(
        "udp-echo",
        &[
            "cliente",
            "--porta",
            &port,
            "--timeout",
            "0.3",
            "--tentativas",
            "3",
            "devagar",
        ],
        b"",
    );
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "DEVAGAR\n");
    assert!(
        output
            .stderr
            .contains("resposta da tentativa 1, que chegou atrasada"),
        "{}",
        output.stderr
    );
}

#[test]
fn enxurrada_com_atraso_fica_abaixo_do_limite_da_fila() {
    // Sem limite, o servidor guardaria cada resposta atrasada: uma enxurrada
    // de datagramas de 60 000 bytes com 10 s de atraso passaria de 1 GB. Com o
    // limite (32 MiB), o que passa dele é descartado, e o log diz isso.
    let server = Server::start("udp-echo", &["--atraso", "10000ms"]);
    let Some(baseline) = server.rss_kib() else {
        return avaliacao::skip("sem /proc/PID/status nesta máquina");
    };
    // `MAX_DELAYED_BYTES`, de `udp-echo/src/simulate.rs`. O número é repetido
    // aqui de propósito: depender do crate `udp-echo` faria um erro de
    // compilação no exercício 1 derrubar todos os testes na correção.
    let cap_kib: u64 = 32 * 1024;
    let flooder = UdpSocket::bind("127.0.0.1:0").unwrap();
    let payload = vec![b'a'; 60_000];
    let full = "fila de respostas atrasadas está cheia";
    let mut peak = baseline;
    let mut full_at: Option<Instant> = None;
    let started = Instant::now();
    // Envia sem parar até a fila encher, e mais 1 s depois disso; no máximo
    // 8 s (antes de o atraso de 10 s começar a devolver as respostas).
    for sent in 0u64.. {
        let _ = flooder.send_to(&payload, server.addr);
        if sent % 250 == 0 {
            peak = peak.max(server.rss_kib().unwrap_or(0));
            if full_at.is_none() && server.log().iter().any(|l| l.contains(full)) {
                full_at = Some(Instant::now());
            }
            let done = full_at.is_some_and(|at| at.elapsed() > Duration::from_secs(1));
            if done || started.elapsed() > Duration::from_secs(8) {
                break;
            }
        }
    }
    peak = peak.max(server.rss_kib().unwrap_or(0));
    assert!(
        full_at.is_some() || server.wait_for_log(full),
        "o log deveria dizer que a fila encheu"
    );
    assert!(
        peak <= baseline + 2 * cap_kib,
        "memória: {baseline} KiB no começo, pico de {peak} KiB (limite da fila: {cap_kib} KiB)"
    );
    eprintln!("memória do servidor: {baseline} KiB no começo, pico de {peak} KiB");
    assert!(server.is_alive());
}
