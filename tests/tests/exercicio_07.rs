//! Exercício 7: medir o tempo de ida e volta (o modo `ping` de
//! `tcp-echo bench`, em `tcp-echo/src/bench/ping.rs`).
//!
//! Os servidores de eco são escritos aqui mesmo, para o teste saber quanto
//! cada resposta deveria levar.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use avaliacao::PATIENCE;

use avaliacao::run;

/// Um servidor de eco que espera `delay` antes de cada resposta e, se
/// `upper`, responde em maiúsculas. Devolve a porta.
fn echo_server(delay: Duration, upper: bool) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            thread::spawn(move || {
                let _ = stream.set_nodelay(true);
                let mut buffer = [0u8; 4096];
                while let Ok(n @ 1..) = stream.read(&mut buffer) {
                    thread::sleep(delay);
                    if upper {
                        buffer[..n].make_ascii_uppercase();
                    }
                    if stream.write_all(&buffer[..n]).is_err() {
                        break;
                    }
                }
            });
        }
    });
    port
}

/// Roda o bench e devolve os campos da linha RESULTADO.
fn bench(port: u16, extra: &[&str]) -> Vec<(String, String)> {
    let port = port.to_string();
    let mut args = vec![
        "bench",
        "--formato",
        "chave-valor",
        "--modo",
        "ping",
        "--porta",
        &port,
    ];
    args.extend_from_slice(extra);
    avaliacao::result_fields(&run("tcp-echo", &args, b""))
}

fn number(fields: &[(String, String)], name: &str) -> f64 {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or_else(|| panic!("campo {name} ausente: {fields:?}"))
}

#[test]
fn conta_cada_resposta_certa() {
    let port = echo_server(Duration::ZERO, true);
    let fields = bench(port, &["--contagem", "200"]);
    assert_eq!(number(&fields, "respondidos"), 200.0);
    assert_eq!(number(&fields, "errados"), 0.0);
    assert_eq!(
        number(&fields, "conexoes_feitas"),
        1.0,
        "uma conexão aberta, contada em tally.connections"
    );
    assert!(number(&fields, "p50_us") > 0.0, "o RTT não pode ser zero");
}

#[test]
fn mede_o_rtt_de_um_servidor_lento() {
    // Cada resposta leva pelo menos 30 ms: o RTT medido tem de mostrar isso.
    let port = echo_server(Duration::from_millis(30), true);
    let fields = bench(port, &["--contagem", "5"]);
    assert_eq!(number(&fields, "respondidos"), 5.0);
    let p50 = number(&fields, "p50_us");
    assert!(
        p50 >= 30_000.0,
        "p50 de {p50} µs, mas cada resposta leva 30 ms"
    );
    assert!(p50 < 3_000_000.0, "p50 de {p50} µs é demais");
}

#[test]
fn resposta_que_nao_esta_em_maiusculas_conta_como_errada() {
    let port = echo_server(Duration::ZERO, false);
    let fields = bench(port, &["--contagem", "20"]);
    assert_eq!(number(&fields, "errados"), 20.0);
    assert_eq!(number(&fields, "respondidos"), 0.0);
}

#[test]
fn varias_mensagens_a_caminho() {
    let port = echo_server(Duration::from_millis(5), true);
    let fields = bench(port, &["--contagem", "40", "--em-voo", "4"]);
    assert_eq!(number(&fields, "respondidos"), 40.0);
    assert_eq!(number(&fields, "errados"), 0.0);
}

/// Um servidor de eco que, na primeira conexão, segura as respostas até
/// chegarem `at_least` mensagens de `size` bytes, espera mais 0,3 s e conta
/// quantas mensagens chegaram sem resposta (pelo canal); depois responde tudo.
fn holding_server(size: usize, at_least: usize) -> (u16, mpsc::Receiver<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (sender, counted) = mpsc::channel();
    thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        let _ = stream.set_nodelay(true);
        let mut pending = Vec::new();
        let mut buffer = [0u8; 4096];
        let _ = stream.set_read_timeout(Some(PATIENCE));
        while pending.len() < at_least * size {
            match stream.read(&mut buffer) {
                Ok(n @ 1..) => pending.extend_from_slice(&buffer[..n]),
                _ => return,
            }
        }
        // Chegou o que devia; chega mais alguma coisa sem resposta?
        let _ = stream.set_read_timeout(Some(Duration::from_millis(300)));
        while let Ok(n @ 1..) = stream.read(&mut buffer) {
            pending.extend_from_slice(&buffer[..n]);
        }
        let _ = sender.send(pending.len() / size);
        let _ = stream.set_read_timeout(Some(PATIENCE));
        let mut reply = pending.to_ascii_uppercase();
        loop {
            if stream.write_all(&reply).is_err() {
                return;
            }
            match stream.read(&mut buffer) {
                Ok(n @ 1..) => reply = buffer[..n].to_ascii_uppercase(),
                _ => return,
            }
        }
    });
    (port, counted)
}

#[test]
fn mantem_exatamente_em_voo_mensagens_a_caminho() {
    for in_flight in [1, 4] {
        let (port, counted) = holding_server(64, in_flight);
        let fields = bench(
            port,
            &["--contagem", "12", "--em-voo", &in_flight.to_string()],
        );
        let waiting = counted.recv_timeout(PATIENCE).unwrap_or_else(|_| {
            panic!("com --em-voo {in_flight}, o bench não mandou {in_flight} mensagens sem esperar")
        });
        assert_eq!(
            waiting, in_flight,
            "com --em-voo {in_flight}, o bench deve manter {in_flight} mensagem(ns) em voo \
             (enviar enquanto houver menos que isso), e mandou {waiting} sem resposta"
        );
        assert_eq!(number(&fields, "respondidos"), 12.0);
    }
}
