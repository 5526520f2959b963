//! Exercício 8: o pinger UDP (`listen`, em `udp-echo/src/ping.rs`).
//!
//! Servidores de mentira, escritos aqui, decidem o que acontece com cada
//! ping: respondido, perdido, atrasado ou duplicado.

use std::net::UdpSocket;
use std::thread;
use std::time::Duration;

use avaliacao::PATIENCE;

/// Um servidor que recebe `count` pings e faz com cada um o que `plan`
/// mandar: `None` perde, `Some((atraso, vezes))` responde `vezes` vezes
/// depois de `atraso`.
fn fake_server(count: u32, plan: fn(u32) -> Option<(u64, usize)>) -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    let port = socket.local_addr().unwrap().port();
    thread::spawn(move || {
        let mut buffer = [0u8; 256];
        for seq in 1..=count {
            let Ok((n, from)) = socket.recv_from(&mut buffer) else {
                return;
            };
            let reply = buffer[..n].to_ascii_uppercase();
            if let Some((delay, times)) = plan(seq) {
                thread::sleep(Duration::from_millis(delay));
                for _ in 0..times {
                    socket.send_to(&reply, from).unwrap();
                }
            }
        }
    });
    port
}

fn ping(port: u16, count: &str, interval: &str, timeout: &str) -> (bool, String) {
    let output = avaliacao::run_ping(port, count, interval, timeout);
    (output.status.success(), output.stdout_text())
}

#[test]
fn todos_respondidos() {
    let port = fake_server(4, |_| Some((0, 1)));
    let (ok, text) = ping(port, "4", "20", "1");
    assert!(ok, "{text}");
    for seq in 1..=4 {
        assert!(text.contains(&format!("seq={seq} tempo=")), "{text}");
    }
    assert!(
        text.contains("4 enviados, 4 recebidos, 0,0 % de perda"),
        "{text}"
    );
}

#[test]
fn ping_perdido_da_tempo_esgotado() {
    let port = fake_server(3, |seq| (seq != 2).then_some((0, 1)));
    let (ok, text) = ping(port, "3", "20", "0.3");
    assert!(ok, "{text}");
    assert!(text.contains("ping 2: Tempo esgotado"), "{text}");
    assert!(!text.contains("seq=2 "), "{text}");
    assert!(
        text.contains("3 enviados, 2 recebidos, 33,3 % de perda"),
        "{text}"
    );
}

#[test]
fn resposta_atrasada_nao_conta_como_a_atual() {
    // O ping 1 é respondido depois do tempo-limite (0,3 s), quando o pinger
    // ainda escuta antes do ping 2.
    let port = fake_server(2, |seq| Some((if seq == 1 { 650 } else { 0 }, 1)));
    let (ok, text) = ping(port, "2", "1300", "0.3");
    assert!(ok, "{text}");
    assert!(text.contains("ping 1: Tempo esgotado"), "{text}");
    assert!(text.contains("resposta ATRASADA ao ping 1"), "{text}");
    assert!(text.contains("2 enviados, 1 recebidos"), "{text}");
    assert!(
        text.contains("% de perda, +1 atrasada(s)\n"),
        "a resposta atrasada devia ser contada em tally.late:\n{text}"
    );
}

#[test]
fn resposta_duplicada_e_reconhecida() {
    let port = fake_server(2, |seq| Some((0, if seq == 1 { 2 } else { 1 })));
    let (ok, text) = ping(port, "2", "300", "1");
    assert!(ok, "{text}");
    assert!(text.contains("resposta DUPLICADA ao ping 1"), "{text}");
    assert!(
        text.contains("2 enviados, 2 recebidos, 0,0 % de perda, +1 duplicada(s)\n"),
        "a resposta duplicada devia ser contada em tally.duplicated:\n{text}"
    );
}

#[test]
fn sem_nenhuma_resposta_sai_com_erro() {
    let port = fake_server(3, |_| None);
    let (ok, text) = ping(port, "3", "10", "0.2");
    assert!(!ok, "{text}");
    assert!(
        text.contains("3 enviados, 0 recebidos, 100,0 % de perda"),
        "{text}"
    );
}

#[test]
fn respostas_estranhas_sao_relatadas_e_ignoradas() {
    // Ao ping 1, o servidor manda antes uma resposta sem número e uma ao ping
    // 99 (que não foi enviado), e depois a certa. O ping 2 ele perde, mas um
    // outro programa, de outra porta, manda ao pinger um "PING 2" falso.
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    let port = socket.local_addr().unwrap().port();
    thread::spawn(move || {
        let stranger = UdpSocket::bind("127.0.0.1:0").unwrap();
        let mut buffer = [0u8; 256];
        for seq in 1..=2 {
            let Ok((n, from)) = socket.recv_from(&mut buffer) else {
                return;
            };
            if seq == 1 {
                socket.send_to(b"oi", from).unwrap();
                socket.send_to(b"PING 99 0", from).unwrap();
                socket
                    .send_to(&buffer[..n].to_ascii_uppercase(), from)
                    .unwrap();
            } else {
                stranger
                    .send_to(&buffer[..n].to_ascii_uppercase(), from)
                    .unwrap();
            }
        }
    });
    let (ok, text) = ping(port, "2", "300", "0.3");
    assert!(!ok, "com respostas erradas, o pinger sai com erro:\n{text}");
    assert!(text.contains("seq=1 "), "{text}");
    assert!(
        text.contains("resposta ERRADA") && text.contains("\"oi\""),
        "a resposta \"oi\" (sem número) devia ser relatada:\n{text}"
    );
    assert!(
        text.contains("resposta ao ping 99, que não foi enviado"),
        "a resposta ao ping 99 devia ser relatada:\n{text}"
    );
    assert!(
        text.contains("ping 2: Tempo esgotado") && text.contains("2 enviados, 1 recebidos"),
        "o \"PING 2\" veio de outra porta, não do servidor: devia ser ignorado\n{text}"
    );
    assert!(
        text.contains("% de perda, +2 errada(s), +1 de outro endereço\n"),
        "as duas respostas erradas (tally.wrong) e o datagrama de outra porta \
         (tally.foreign) deviam ser contados:\n{text}"
    );
}
