//! Capítulo UDP: o servidor e o cliente de `udp-echo`.

use std::net::UdpSocket;
use std::time::Duration;

use avaliacao::{Output, PATIENCE, Server, ask_udp, assert_udp_reply, receive_reply, run};

/// Um socket UDP de teste, com limite de espera.
fn raw_client() -> UdpSocket {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.set_read_timeout(Some(PATIENCE)).unwrap();
    socket
}

/// Roda o cliente real, `udp-echo cliente --porta PORT ARGS...`, com
/// `stdin` como entrada.
fn run_client(port: u16, args: &[&str], stdin: &[u8]) -> Output {
    let port = port.to_string();
    let mut all = vec!["cliente", "--porta", &port];
    all.extend_from_slice(args);
    run("udp-echo", &all, stdin)
}

/// A mensagem de erro do programa diz `text`.
#[track_caller]
fn assert_says(output: &Output, text: &str) {
    assert!(output.stderr.contains(text), "{}", output.stderr);
}

/// A mensagem de erro do programa não diz `text`.
#[track_caller]
fn assert_does_not_say(output: &Output, text: &str) {
    assert!(!output.stderr.contains(text), "{}", output.stderr);
}

/// Manda o sinal `signal` ao servidor e confere que ele sai sem erro e que
/// a última linha do log diz que ele foi encerrado.
#[track_caller]
fn assert_stops_cleanly(server: &mut Server, signal: &str) {
    let status = server.stop_with(signal);
    assert!(status.success(), "saída: {status:?}");
    assert_eq!(
        server.log().last().map(String::as_str),
        Some("servidor UDP encerrado.")
    );
}

#[test]
fn servidor_anuncia_o_endereco_na_primeira_linha() {
    let server = Server::start("udp-echo", &[]);
    assert_ne!(server.port(), 0);
    assert_eq!(
        server.log()[0],
        format!("Servidor UDP pronto para receber em {}", server.addr)
    );
}

#[test]
fn servidor_responde_em_maiusculas() {
    let server = Server::start("udp-echo", &[]);
    assert_udp_reply(&server, b"hello world", b"HELLO WORLD");
}

#[test]
fn acentos_viram_maiusculas() {
    let server = Server::start("udp-echo", &[]);
    assert_udp_reply(
        &server,
        "ação, conexão, não, straße".as_bytes(),
        "AÇÃO, CONEXÃO, NÃO, STRASSE".as_bytes(),
    );
}

#[test]
fn utf8_invalido_volta_sem_mudanca_e_servidor_continua() {
    let server = Server::start("udp-echo", &[]);
    assert_udp_reply(&server, b"ab\xff\xfecd\xc3", b"AB\xff\xfeCD\xc3");
    assert_udp_reply(&server, b"\x00\x01\x02", b"\x00\x01\x02");
    assert_udp_reply(&server, b"depois", b"DEPOIS");
}

#[test]
fn datagrama_vazio_recebe_resposta_vazia() {
    let server = Server::start("udp-echo", &[]);
    assert_udp_reply(&server, b"", b"");
    assert_udp_reply(&server, b"ok", b"OK");
}

#[test]
fn datagrama_de_60000_bytes_volta_inteiro() {
    let server = Server::start("udp-echo", &[]);
    let message: Vec<u8> = (0..60_000).map(|i| b"abcdefghij"[i % 10]).collect();
    let reply = ask_udp(&server, &message);
    assert_eq!(reply.len(), 60_000);
    assert_eq!(reply, message.to_ascii_uppercase());
    assert!(server.wait_for_log(": 60000 bytes"));
    assert!(!server.log().iter().any(|l| l.contains("truncado")));
}

#[test]
fn resposta_nunca_e_maior_que_a_pergunta() {
    // "ΐ" (2 bytes) vira "Ϊ́" (6 bytes) e "ŉ" (2) vira "ʼN" (3): em maiúsculas,
    // a resposta seria 3 vezes a pergunta, e um servidor assim amplifica
    // ataques por reflexão. Essas letras voltam como vieram, e o log diz por quê.
    let server = Server::start("udp-echo", &[]);
    let question = "aΐbΰcŉ";
    assert_udp_reply(&server, question.as_bytes(), "AΐBΰCŉ".as_bytes());
    assert!(
        server.wait_for_log("3 letra(s) sem maiúscula"),
        "{:?}",
        server.log()
    );
}

#[test]
fn pergunta_perto_do_limite_com_letras_que_crescem_ainda_tem_resposta() {
    // 30 000 "ŉ" são 60 000 bytes; em maiúsculas seriam 90 000, mais do que
    // cabe num datagrama (65 507 bytes em IPv4). A resposta tem o tamanho da
    // pergunta, e nenhuma linha do log fala em inglês.
    let server = Server::start("udp-echo", &[]);
    let question = "ŉ".repeat(30_000);
    let reply = ask_udp(&server, question.as_bytes());
    assert_eq!(reply.len(), question.len());
    assert!(server.wait_for_log("30000 letra(s) sem maiúscula"));
    assert!(!server.log().iter().any(|l| l.contains("too long")));
    assert_udp_reply(&server, b"ainda vivo", b"AINDA VIVO");
}

#[test]
fn cada_cliente_recebe_a_sua_resposta() {
    let server = Server::start("udp-echo", &[]);
    let clients: Vec<UdpSocket> = (0..5).map(|_| raw_client()).collect();
    for (i, client) in clients.iter().enumerate() {
        client
            .send_to(format!("cliente {i}").as_bytes(), server.addr)
            .unwrap();
    }
    for (i, client) in clients.iter().enumerate() {
        let (reply, _) = receive_reply(&server, client, &format!("a resposta do cliente {i}"));
        assert_eq!(reply, format!("CLIENTE {i}").as_bytes());
    }
}

#[test]
fn servidor_registra_cada_datagrama() {
    let server = Server::start("udp-echo", &[]);
    ask_udp(&server, "olá".as_bytes());
    assert!(
        server.wait_for_log(": 4 bytes \"olá\""),
        "{:?}",
        server.log()
    );
}

#[test]
fn cliente_real_envia_os_argumentos_e_mostra_a_resposta() {
    let server = Server::start("udp-echo", &[]);
    let output = run_client(server.port(), &["conexão", "não", "confiável"], b"");
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "CONEXÃO NÃO CONFIÁVEL\n");
}

#[test]
fn cliente_real_le_a_frase_da_entrada() {
    let server = Server::start("udp-echo", &[]);
    let port = server.port().to_string();
    // `client`: o nome em inglês também vale.
    let output = run(
        "udp-echo",
        &["client", "--porta", &port],
        "olá mundo\n".as_bytes(),
    );
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "OLÁ MUNDO\n");
}

#[test]
fn cliente_desiste_apos_timeout() {
    // Ninguém escuta nesta porta: o cliente tenta 2 vezes e desiste.
    let port = avaliacao::free_port();
    let started = std::time::Instant::now();
    let args = ["--timeout", "0.2", "--tentativas", "2", "oi"];
    let output = run_client(port, &args, b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    assert_says(&output, "nenhuma resposta");
    assert_says(&output, "O UDP não garante a entrega");
    assert_says(&output, "tentativa 2 de 2");
    assert_does_not_say(&output, "panicked");
    // Esperou pelo menos as duas tentativas (limite inferior: não é medida de velocidade).
    assert!(started.elapsed() >= Duration::from_millis(400));
}

#[test]
fn segundo_servidor_na_porta_ocupada_explica_e_sai() {
    let server = Server::start("udp-echo", &[]);
    avaliacao::assert_busy_port_refused("udp-echo", &server);
    assert_udp_reply(&server, b"o primeiro continua", b"O PRIMEIRO CONTINUA");
}

#[test]
fn servidor_em_ipv6_atende_ipv6_e_ipv4() {
    if avaliacao::ipv6_available() {
        avaliacao::assert_dual_stack("udp-echo");
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "no Windows não há sinais: o teste só saberia encerrar o servidor à força \
              (TerminateProcess), sem a última linha"
)]
fn ctrl_c_encerra_o_servidor_com_uma_ultima_linha() {
    let mut server = Server::start("udp-echo", &[]);
    assert_udp_reply(&server, b"oi", b"OI");
    assert_stops_cleanly(&mut server, "INT");
}

#[test]
#[cfg_attr(
    windows,
    ignore = "no Windows não há sinais: o teste só saberia encerrar o servidor à força \
              (TerminateProcess), sem a última linha"
)]
fn sigterm_tambem_encerra_o_servidor() {
    let mut server = Server::start("udp-echo", &[]);
    assert_stops_cleanly(&mut server, "TERM");
}

#[test]
fn cliente_explica_que_a_frase_nao_cabe_em_um_datagrama() {
    let server = Server::start("udp-echo", &[]);
    let sentence = "a".repeat(70_000);
    let output = run_client(server.port(), &[], sentence.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    assert_says(
        &output,
        "a frase tem 70000 bytes; com o número da tentativa, o datagrama teria 70003 bytes",
    );
    assert_says(&output, "65 507 bytes");
    assert_does_not_say(&output, "too long");
    assert_does_not_say(&output, "O UDP não garante");
}

#[test]
fn cliente_nao_culpa_a_rede_quando_a_resposta_nao_caberia() {
    // Um "servidor" que nunca responde, como um que devolvesse tudo em
    // maiúsculas: 30 000 "ŉ" viram 90 000 bytes, que não cabem num datagrama.
    let silent = raw_client();
    let port = silent.local_addr().unwrap().port();
    let sentence = "ŉ".repeat(30_000);
    let args = ["--timeout", "0.2", "--tentativas", "1"];
    let output = run_client(port, &args, sentence.as_bytes());
    assert_eq!(output.status.code(), Some(1));
    assert_says(&output, "Não é culpa da rede");
    assert_says(&output, "90003 bytes");
    assert_does_not_say(&output, "O UDP não garante");
}

#[test]
fn cliente_recebe_do_nosso_servidor_a_frase_com_letras_que_crescem() {
    let server = Server::start("udp-echo", &[]);
    let sentence = format!("{}ação", "ŉ".repeat(30_000));
    let output = run_client(server.port(), &[], sentence.as_bytes());
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(
        output.stdout_text(),
        format!("{}AÇÃO\n", "ŉ".repeat(30_000))
    );
}

/// Ctrl+D (ou `< /dev/null`) antes de digitar a frase: nada é enviado (nem
/// um datagrama vazio), e o cliente diz por quê e sai com erro.
#[test]
fn cliente_sem_frase_na_entrada_nao_envia_nada() {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let port = socket.local_addr().unwrap().port().to_string();
    let output = run("udp-echo", &["cliente", "--porta", &port], b"");
    assert_eq!(output.status.code(), Some(1), "{}", output.stderr);
    assert!(
        output
            .stderr
            .contains("a entrada terminou sem nenhuma frase"),
        "{}",
        output.stderr
    );
    let mut buffer = [0u8; 16];
    assert!(
        socket.recv_from(&mut buffer).is_err(),
        "o cliente enviou um datagrama sem ter frase"
    );
}
