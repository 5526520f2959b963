//! Exercício 7: medir o tempo de ida e volta (o modo `ping` de
//! `tcp-echo bench`, em `tcp-echo/src/bench.rs`).
//!
//! Os servidores de eco são escritos aqui mesmo, para o teste saber quanto
//! cada resposta deveria levar.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::Duration;

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
    let mut args = vec!["bench", "--modo", "ping", "--porta", &port];
    args.extend_from_slice(extra);
    let output = run("tcp-echo", &args, b"");
    let text = output.stdout_text();
    let line = text
        .lines()
        .find(|l| l.starts_with("RESULTADO "))
        .unwrap_or_else(|| panic!("sem linha RESULTADO:\n{text}\n{}", output.stderr));
    line.split_whitespace()
        .filter_map(|f| f.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
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
