//! As ferramentas de medida não elogiam um servidor quebrado.
//!
//! Servidores de mentira, escritos aqui com os sockets do `std`, fazem cada
//! coisa errada que um servidor de colega pode fazer: respondem duas vezes,
//! respondem de outra porta, respondem errado, respondem tarde demais, nunca
//! respondem, fecham a conexão na hora ou a derrubam com um RST. Para cada
//! modo de `tcp-echo bench`, para `udp-echo bench` e para `udp-echo ping`, o
//! teste confere que o problema aparece contado como o que é, que o programa
//! termina logo e que sai com erro, explicando o primeiro caso em português.
//! Um servidor certo, ao contrário, sai com 0 e zero erros.
//!
//! Nada aqui mede velocidade: só contagens e códigos de saída.
//!
//! No `udp-echo ping`, uma resposta errada, de outro endereço ou atrasada não
//! conta como recebida (o ping dá tempo esgotado); uma duplicada é relatada,
//! como o "DUP!" do `ping` do sistema, sem mudar a contagem.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::thread;
use std::time::Duration;

use avaliacao::{Output, PATIENCE, run};

/// O tempo-limite dado aos clientes; os servidores "atrasados" esperam mais
/// que isso antes de responder.
const CLIENT_TIMEOUT: &str = "0.3";
const LATE: Duration = Duration::from_millis(900);

/// O que um servidor de mentira faz com o que recebe.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Behaviour {
    /// Responde em maiúsculas, como deve.
    Right,
    /// Responde em maiúsculas, duas vezes.
    Twice,
    /// Devolve sem mudar nada (não está em maiúsculas).
    Wrong,
    /// Responde certo, mas depois do tempo-limite do cliente.
    Late,
    /// Recebe e nunca responde.
    Never,
    /// Só TCP: aceita a conexão e fecha na hora.
    Closes,
    /// Só TCP: espera chegar algo e derruba a conexão (RST).
    Resets,
    /// Só UDP: responde certo, mas de outra porta.
    OtherPort,
}

use Behaviour::*;

/// Os campos `chave=valor` da linha RESULTADO.
fn fields(output: &Output) -> Vec<(String, String)> {
    avaliacao::result_fields(output)
}

fn number(output: &Output, name: &str) -> u64 {
    let fields = fields(output);
    fields
        .iter()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or_else(|| panic!("campo {name} ausente: {fields:?}"))
}

fn describe(output: &Output) -> String {
    format!(
        "código {:?}\n--- saída ---\n{}--- erros ---\n{}",
        output.status.code(),
        output.stdout_text(),
        output.stderr
    )
}

/// Saiu com código 1, sem pânico, e explicou: a medida não vale.
fn assert_refused(output: &Output, reason: &str) {
    let all = describe(output);
    assert_eq!(output.status.code(), Some(1), "{all}");
    assert!(!output.stderr.contains("panicked"), "{all}");
    assert!(output.stderr.contains("a medida não vale"), "{all}");
    assert!(output.stderr.contains(reason), "esperava {reason:?}: {all}");
}

// ---------------------------------------------------------------- TCP

/// Um servidor TCP de mentira na porta 0 da loopback. Devolve a porta.
fn tcp_fake(behaviour: Behaviour) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { return };
            thread::spawn(move || serve_tcp(stream, behaviour));
        }
    });
    port
}

fn serve_tcp(mut stream: TcpStream, behaviour: Behaviour) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(PATIENCE));
    match behaviour {
        Closes => return,
        Resets => {
            // Fechar com dados ainda não lidos faz o sistema mandar um RST.
            let _ = stream.peek(&mut [0u8; 1]);
            return;
        }
        _ => {}
    }
    let mut buffer = [0u8; 4096];
    while let Ok(n @ 1..) = stream.read(&mut buffer) {
        let mut reply = buffer[..n].to_vec();
        if behaviour != Wrong {
            reply.make_ascii_uppercase();
        }
        let times = match behaviour {
            Never => 0,
            Twice => 2,
            _ => 1,
        };
        if behaviour == Late {
            thread::sleep(LATE);
        }
        for _ in 0..times {
            if stream.write_all(&reply).is_err() {
                return;
            }
        }
    }
    if behaviour == Never {
        // Mesmo depois de o cliente terminar de enviar, não responde nem fecha.
        thread::sleep(LATE * 2);
    }
}

const TCP_MODES: [&str; 4] = ["ping", "fluxo", "conexoes", "uma-por-conexao"];

fn tcp_bench(port: u16, mode: &str) -> Output {
    let port = port.to_string();
    let args = [
        "bench",
        "--formato",
        "chave-valor",
        "--modo",
        mode,
        "--porta",
        &port,
        "--conexoes",
        "2",
        "--contagem",
        "20",
        "--mib",
        "1",
        "--espera",
        "0.05",
        "--timeout",
        CLIENT_TIMEOUT,
    ];
    run("tcp-echo", &args, b"")
}

#[test]
fn tcp_servidor_certo_sai_com_zero_em_todos_os_modos() {
    let port = tcp_fake(Right);
    for mode in TCP_MODES {
        let output = tcp_bench(port, mode);
        let all = describe(&output);
        assert!(output.status.success(), "{mode}: {all}");
        assert!(number(&output, "respondidos") > 0, "{mode}: {all}");
        assert_eq!(number(&output, "errados"), 0, "{mode}: {all}");
        assert_eq!(number(&output, "erros"), 0, "{mode}: {all}");
    }
}

#[test]
fn tcp_ping_de_um_servidor_que_responde_duas_vezes_nao_e_perfeito() {
    let output = tcp_bench(tcp_fake(Twice), "ping");
    assert_refused(
        &output,
        "resposta(s) errada(s); a primeira: à mensagem 1 veio",
    );
    // Só a primeira mensagem de cada conexão tem a resposta certa; as outras
    // recebem a cópia da anterior.
    assert_eq!(number(&output, "respondidos"), 2, "{}", describe(&output));
    assert_eq!(number(&output, "errados"), 38, "{}", describe(&output));
}

#[test]
fn tcp_servidor_que_responde_duas_vezes_e_pego_em_todos_os_modos() {
    let port = tcp_fake(Twice);
    for (mode, reason) in [
        ("ping", "à mensagem 1 veio"),
        ("fluxo", "resposta(s) errada(s)"),
        ("conexoes", "à segunda linha veio"),
        ("uma-por-conexao", "à mensagem 0 veio"),
    ] {
        let output = tcp_bench(port, mode);
        assert_refused(&output, reason);
        assert!(
            number(&output, "errados") > 0,
            "{mode}: {}",
            describe(&output)
        );
    }
}

#[test]
fn tcp_resposta_errada_e_contada_em_todos_os_modos() {
    let port = tcp_fake(Wrong);
    for mode in TCP_MODES {
        let output = tcp_bench(port, mode);
        assert_refused(&output, "resposta(s) errada(s)");
        assert_eq!(number(&output, "respondidos"), 0, "{mode}");
        assert!(
            number(&output, "errados") > 0,
            "{mode}: {}",
            describe(&output)
        );
    }
}

#[test]
fn tcp_resposta_atrasada_ou_nenhuma_da_tempo_esgotado_em_todos_os_modos() {
    for behaviour in [Late, Never] {
        let port = tcp_fake(behaviour);
        for mode in TCP_MODES {
            let output = tcp_bench(port, mode);
            assert_refused(&output, "tempo esgotado");
            assert_eq!(number(&output, "respondidos"), 0, "{behaviour:?} {mode}");
            assert!(number(&output, "erros") > 0, "{behaviour:?} {mode}");
        }
    }
}

#[test]
fn tcp_conexao_fechada_ou_derrubada_e_explicada_em_todos_os_modos() {
    for behaviour in [Closes, Resets] {
        let port = tcp_fake(behaviour);
        for mode in TCP_MODES {
            let output = tcp_bench(port, mode);
            let all = describe(&output);
            assert_refused(&output, "nenhuma resposta certa");
            assert_eq!(
                number(&output, "respondidos"),
                0,
                "{behaviour:?} {mode}: {all}"
            );
            assert!(
                number(&output, "erros") + number(&output, "errados") > 0,
                "{behaviour:?} {mode}: {all}"
            );
            assert!(
                ["terminou antes", "reiniciada", "fechou", "já fechou"]
                    .iter()
                    .any(|why| output.stderr.contains(why)),
                "{behaviour:?} {mode}: {all}"
            );
        }
    }
}

#[test]
fn tcp_bench_em_porta_fechada_diz_conexao_recusada() {
    let output = tcp_bench(avaliacao::free_port(), "ping");
    assert_refused(&output, "conexão recusada");
}

// ---------------------------------------------------------------- UDP

/// Um servidor UDP de mentira na porta 0 da loopback. Devolve a porta.
fn udp_fake(behaviour: Behaviour) -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    let other = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    thread::spawn(move || {
        let mut buffer = [0u8; 2048];
        while let Ok((n, from)) = socket.recv_from(&mut buffer) {
            let mut reply = buffer[..n].to_vec();
            if behaviour != Wrong {
                reply.make_ascii_uppercase();
            }
            match behaviour {
                Never => {}
                Twice => {
                    let _ = socket.send_to(&reply, from);
                    let _ = socket.send_to(&reply, from);
                }
                OtherPort => {
                    let _ = other.send_to(&reply, from);
                }
                Late => {
                    let socket = socket.try_clone().unwrap();
                    thread::spawn(move || {
                        thread::sleep(LATE);
                        let _ = socket.send_to(&reply, from);
                    });
                }
                _ => {
                    let _ = socket.send_to(&reply, from);
                }
            }
        }
    });
    port
}

fn udp_bench(port: u16, count: &str) -> Output {
    let port = port.to_string();
    let args = [
        "bench",
        "--formato",
        "chave-valor",
        "--porta",
        &port,
        "--contagem",
        count,
        "--timeout",
        CLIENT_TIMEOUT,
    ];
    run("udp-echo", &args, b"")
}

#[test]
fn udp_bench_servidor_certo_sai_com_zero() {
    let output = udp_bench(udp_fake(Right), "50");
    let all = describe(&output);
    assert!(output.status.success(), "{all}");
    assert_eq!(number(&output, "respondidos"), 50, "{all}");
    for field in [
        "duplicados",
        "errados",
        "outro_endereco",
        "atrasados",
        "erros",
    ] {
        assert_eq!(number(&output, field), 0, "{field}: {all}");
    }
}

#[test]
fn udp_bench_resposta_duplicada_conta_como_duplicada() {
    let output = udp_bench(udp_fake(Twice), "50");
    let all = describe(&output);
    assert_refused(&output, "foi respondido mais de uma vez");
    assert_eq!(number(&output, "respondidos"), 50, "{all}");
    // A última cópia pode chegar depois de o bench terminar.
    assert!(number(&output, "duplicados") >= 49, "{all}");
    assert_eq!(number(&output, "atrasados"), 0, "{all}");
}

#[test]
fn udp_bench_resposta_de_outra_porta_nao_conta_como_respondida() {
    let output = udp_bench(udp_fake(OtherPort), "5");
    let all = describe(&output);
    assert_refused(
        &output,
        "resposta(s) de outro endereço; a primeira: veio de 127.0.0.1:",
    );
    assert_eq!(number(&output, "respondidos"), 0, "{all}");
    assert_eq!(number(&output, "outro_endereco"), 5, "{all}");
    assert_eq!(number(&output, "perdidos"), 5, "{all}");
}

#[test]
fn udp_bench_resposta_errada_conta_como_errada() {
    let output = udp_bench(udp_fake(Wrong), "20");
    let all = describe(&output);
    assert_refused(
        &output,
        "resposta(s) errada(s); a primeira: ao datagrama 0 veio",
    );
    assert_eq!(number(&output, "respondidos"), 0, "{all}");
    assert_eq!(number(&output, "errados"), 20, "{all}");
}

#[test]
fn udp_bench_resposta_depois_do_timeout_e_atrasada_e_nao_respondida() {
    // Cada resposta chega 0,9 s depois; o bench desiste de cada datagrama em
    // 0,3 s. As respostas que chegam enquanto ele espera os seguintes são
    // atrasadas; nenhuma conta como respondida.
    let output = udp_bench(udp_fake(Late), "5");
    let all = describe(&output);
    assert_refused(&output, "nenhuma resposta certa");
    assert_eq!(number(&output, "respondidos"), 0, "{all}");
    assert_eq!(number(&output, "perdidos"), 5, "{all}");
    assert!(number(&output, "atrasados") >= 1, "{all}");
}

#[test]
fn udp_bench_sem_resposta_sai_com_erro() {
    let output = udp_bench(udp_fake(Never), "3");
    let all = describe(&output);
    assert_refused(&output, "nenhuma resposta certa");
    assert_eq!(number(&output, "perdidos"), 3, "{all}");
}

// ---------------------------------------------------------------- ping UDP

fn udp_ping(port: u16, count: &str, interval_ms: &str) -> Output {
    avaliacao::run_ping(port, count, interval_ms, CLIENT_TIMEOUT)
}

#[test]
fn udp_ping_servidor_certo_sai_com_zero() {
    let output = udp_ping(udp_fake(Right), "3", "10");
    let text = output.stdout_text();
    assert!(output.status.success(), "{}", describe(&output));
    assert!(
        text.contains("3 enviados, 3 recebidos, 0,0 % de perda"),
        "{text}"
    );
    assert!(!text.contains("ERRADA"), "{text}");
}

#[test]
fn udp_ping_resposta_que_nao_esta_em_maiusculas_nao_e_resposta() {
    let output = udp_ping(udp_fake(Wrong), "3", "10");
    let text = output.stdout_text();
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert_eq!(
        text.matches("resposta ERRADA (não é um ping em maiúsculas): \"ping ")
            .count(),
        3,
        "{text}"
    );
    assert!(
        text.contains("3 enviados, 0 recebidos, 100,0 % de perda"),
        "{text}"
    );
    assert!(
        output.stderr.contains("3 resposta(s) errada(s)")
            && output.stderr.contains("nenhum dos 3 pings teve resposta"),
        "{}",
        output.stderr
    );
}

/// Uma resposta errada entre as certas já faz o pinger sair com erro.
#[test]
fn udp_ping_uma_resposta_errada_entre_certas_sai_com_erro() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    thread::spawn(move || {
        let mut buffer = [0u8; 256];
        for seq in 1..=3 {
            let Ok((n, from)) = socket.recv_from(&mut buffer) else {
                return;
            };
            if seq == 2 {
                let _ = socket.send_to(b"PONG", from);
            }
            let _ = socket.send_to(&buffer[..n].to_ascii_uppercase(), from);
        }
    });
    let output = udp_ping(port, "3", "10");
    let text = output.stdout_text();
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(
        text.contains("3 enviados, 3 recebidos, 0,0 % de perda, +1 errada(s)"),
        "{text}"
    );
    assert!(
        output.stderr.contains("1 resposta(s) errada(s)"),
        "{}",
        output.stderr
    );
}

#[test]
fn udp_ping_resposta_de_outra_porta_nao_conta() {
    let output = udp_ping(udp_fake(OtherPort), "3", "10");
    let text = output.stdout_text();
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert_eq!(
        text.matches("que não é o servidor: ignorado").count(),
        3,
        "{text}"
    );
    assert!(
        text.contains("3 enviados, 0 recebidos, 100,0 % de perda"),
        "{text}"
    );
}

#[test]
fn udp_ping_resposta_depois_do_timeout_e_atrasada_e_nao_recebida() {
    // A resposta do ping 1 chega 0,9 s depois, com o tempo-limite em 0,3 s e o
    // ping 2 só 1,3 s depois do 1: o pinger ainda escuta quando ela chega.
    let output = udp_ping(udp_fake(Late), "2", "1300");
    let text = output.stdout_text();
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(text.contains("ping 1: Tempo esgotado"), "{text}");
    assert!(text.contains("resposta ATRASADA ao ping 1"), "{text}");
    assert!(!text.contains("seq=1 tempo="), "{text}");
    assert!(
        text.contains("2 enviados, 0 recebidos, 100,0 % de perda"),
        "{text}"
    );
}

#[test]
fn udp_ping_resposta_duplicada_e_relatada_e_contada_uma_vez() {
    // Como o `ping` do sistema (que marca "DUP!"), a cópia é relatada mas não
    // muda a contagem nem o código de saída: o ping foi respondido.
    let output = udp_ping(udp_fake(Twice), "3", "100");
    let text = output.stdout_text();
    assert!(output.status.success(), "{}", describe(&output));
    assert!(text.contains("resposta DUPLICADA ao ping 1"), "{text}");
    assert!(
        text.contains("3 enviados, 3 recebidos, 0,0 % de perda"),
        "{text}"
    );
}

#[test]
fn udp_ping_sem_resposta_sai_com_erro() {
    let output = udp_ping(udp_fake(Never), "2", "10");
    assert_eq!(output.status.code(), Some(1), "{}", describe(&output));
    assert!(output.stderr.contains("nenhum dos 2 pings teve resposta"));
}

/// A tabela é para gente; `--formato` dá uma linha para outro programa, e só
/// com ele: sem o pedido, nenhuma linha `RESULTADO` de 200 caracteres.
#[test]
fn formato_de_maquina_so_quando_pedido() {
    let udp = udp_fake(Right).to_string();
    let tcp = tcp_fake(Right).to_string();
    for (program, port) in [("udp-echo", &udp), ("tcp-echo", &tcp)] {
        let base = ["bench", "--porta", port, "--contagem", "5"];
        let table = run(program, &base, b"");
        assert!(table.status.success(), "{}", describe(&table));
        let text = table.stdout_text();
        assert!(text.contains("Resultado: "), "{text}");
        assert!(!text.contains("RESULTADO"), "{text}");

        let json = run(program, &[&base[..], &["--formato", "json"]].concat(), b"");
        assert!(json.status.success(), "{}", describe(&json));
        let text = json.stdout_text();
        let line = text.trim();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(line.starts_with('{') && line.ends_with('}'), "{line}");
        assert!(line.contains("\"respondidos\":5,"), "{line}");
        assert!(line.contains("\"interrompido\":false"), "{line}");

        let key_value = run(
            program,
            &[&base[..], &["--formato", "chave-valor"]].concat(),
            b"",
        );
        assert_eq!(
            number(&key_value, "respondidos"),
            5,
            "{}",
            describe(&key_value)
        );
    }
}

/// Um servidor que responde só o primeiro datagrama e depois se cala não tem
/// "respostas/s" altas: a medida vai até o último envio, e não só até a
/// última resposta.
#[test]
fn udp_bench_servidor_que_para_de_responder_nao_ganha_vazao() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    thread::spawn(move || {
        let mut buffer = [0u8; 2048];
        if let Ok((n, from)) = socket.recv_from(&mut buffer) {
            let _ = socket.send_to(&buffer[..n].to_ascii_uppercase(), from);
        }
        // Depois, recebe e não responde mais nada.
        while socket.recv_from(&mut buffer).is_ok() {}
    });
    let port = port.to_string();
    let output = run(
        "udp-echo",
        &[
            "bench",
            "--formato",
            "chave-valor",
            "--porta",
            &port,
            "--em-voo",
            "4",
            "--duracao",
            "500ms",
            "--timeout",
            "50ms",
        ],
        b"",
    );
    assert_eq!(number(&output, "respondidos"), 1, "{}", describe(&output));
    // 1 resposta em pelo menos meio segundo de envios: no máximo 2 por segundo.
    assert!(number(&output, "por_segundo") <= 2, "{}", describe(&output));
    assert!(number(&output, "perdidos") > 0, "{}", describe(&output));
}
