//! Capítulo TCP: o servidor e o cliente de `tcp-echo`.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::Duration;

use avaliacao::{Server, connect_tcp, read_n, run};

#[test]
fn servidor_anuncia_o_endereco_na_primeira_linha() {
    let server = Server::start("tcp-echo", &[]);
    assert_ne!(server.port(), 0);
    assert_eq!(
        server.log()[0],
        format!("Servidor TCP pronto para receber em {}", server.addr)
    );
}

#[test]
fn servidor_responde_em_maiusculas_e_fecha_quando_o_cliente_fecha() {
    let server = Server::start("tcp-echo", &[]);
    let mut stream = connect_tcp(&server);
    stream.write_all(b"hello world").unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    assert_eq!(reply, b"HELLO WORLD");
    assert!(server.wait_for_log("conexão encerrada pelo cliente (11 bytes)"));
}

#[test]
fn varias_linhas_na_mesma_conexao() {
    let server = Server::start("tcp-echo", &[]);
    let mut stream = connect_tcp(&server);
    for line in ["primeira linha\n", "segunda linha\n", "terceira\n"] {
        stream.write_all(line.as_bytes()).unwrap();
        assert_eq!(
            read_n(&mut stream, line.len()),
            line.to_uppercase().as_bytes()
        );
    }
}

#[test]
fn cliente_sem_quebra_de_linha_e_respondido_na_hora() {
    // O cliente TCP das notas manda a frase sem "\\n" e espera a resposta
    // sem fechar a conexão: o servidor não pode esperar por uma linha inteira.
    let server = Server::start("tcp-echo", &[]);
    let mut stream = connect_tcp(&server);
    stream.write_all(b"sem quebra").unwrap();
    assert_eq!(read_n(&mut stream, 10), b"SEM QUEBRA");
}

#[test]
fn caractere_dividido_entre_duas_escritas() {
    let server = Server::start("tcp-echo", &[]);
    let mut stream = connect_tcp(&server);
    let bytes = "ação".as_bytes(); // a, C3 A7, C3 A3, o
    stream.write_all(&bytes[..2]).unwrap();
    // Espera o servidor ler o primeiro pedaço sozinho.
    assert!(
        server.wait_for_log(": 2 bytes \"a\\xC3\""),
        "{:?}",
        server.log()
    );
    stream.write_all(&bytes[2..]).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    assert_eq!(String::from_utf8(reply).unwrap(), "AÇÃO");
}

#[test]
fn acentos_e_utf8_invalido() {
    let server = Server::start("tcp-echo", &[]);
    let mut stream = connect_tcp(&server);
    stream.write_all("conexão não é ação\n".as_bytes()).unwrap();
    assert_eq!(
        read_n(&mut stream, "CONEXÃO NÃO É AÇÃO\n".len()),
        "CONEXÃO NÃO É AÇÃO\n".as_bytes()
    );
    stream.write_all(b"x\xff\xfey\n").unwrap();
    assert_eq!(read_n(&mut stream, 5), b"X\xff\xfeY\n");
}

#[test]
fn setenta_mil_bytes_numa_escrita_voltam_inteiros() {
    let server = Server::start("tcp-echo", &[]);
    let mut stream = connect_tcp(&server);
    let message: Vec<u8> = (0..70_000).map(|i| b"abcdefghij\n"[i % 11]).collect();
    let expected = message.to_ascii_uppercase();
    // Escreve e lê ao mesmo tempo: se o cliente só lesse depois de escrever
    // tudo, os buffers dos dois lados poderiam encher e ninguém andaria.
    let mut writer = stream.try_clone().unwrap();
    let sender = thread::spawn(move || {
        writer.write_all(&message).unwrap();
        writer.shutdown(Shutdown::Write).unwrap();
    });
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    sender.join().unwrap();
    assert_eq!(reply.len(), 70_000);
    assert!(reply == expected, "a resposta difere do esperado");
}

#[test]
fn reset_abrupto_seguido_de_cliente_normal() {
    let server = Server::start("tcp-echo", &[]);
    let stream = connect_tcp(&server);
    let mut stream_ref = &stream;
    stream_ref.write_all(b"vou sumir").unwrap();
    assert!(server.wait_for_log("\"vou sumir\""));
    // SO_LINGER com tempo 0: o close manda RST em vez de FIN.
    socket2::SockRef::from(&stream)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(stream);
    assert!(
        server.wait_for_log("conexão interrompida"),
        "{:?}",
        server.log()
    );
    let mut next = connect_tcp(&server);
    next.write_all(b"ainda aqui").unwrap();
    assert_eq!(read_n(&mut next, 10), b"AINDA AQUI");
}

#[test]
fn conexoes_simultaneas_sao_atendidas_em_paralelo() {
    let server = Server::start("tcp-echo", &[]);
    // A primeira conexão fica aberta e parada; as outras são atendidas mesmo assim.
    let _quiet = connect_tcp(&server);
    let mut streams: Vec<TcpStream> = (0..10).map(|_| connect_tcp(&server)).collect();
    for (i, stream) in streams.iter_mut().enumerate() {
        stream
            .write_all(format!("conexão {i}\n").as_bytes())
            .unwrap();
    }
    for (i, stream) in streams.iter_mut().enumerate() {
        let expected = format!("CONEXÃO {i}\n");
        assert_eq!(read_n(stream, expected.len()), expected.as_bytes());
    }
}

#[test]
fn conexao_acima_do_limite_recebe_aviso_e_o_servidor_se_recupera() {
    let server = Server::start("tcp-echo", &["--max-conexoes", "2"]);
    let mut first = connect_tcp(&server);
    let mut second = connect_tcp(&server);
    first.write_all(b"um").unwrap();
    second.write_all(b"dois").unwrap();
    assert_eq!(read_n(&mut first, 2), b"UM");
    assert_eq!(read_n(&mut second, 4), b"DOIS");

    let mut third = connect_tcp(&server);
    let mut notice = String::new();
    third.read_to_string(&mut notice).unwrap();
    assert!(notice.contains("servidor lotado"), "{notice}");

    drop(first);
    assert!(server.wait_for_log("conexão encerrada pelo cliente (2 bytes)"));
    let mut fourth = connect_tcp(&server);
    fourth.write_all(b"quatro").unwrap();
    assert_eq!(read_n(&mut fourth, 6), b"QUATRO");
}

#[test]
fn cliente_recusado_que_ja_enviou_uma_frase_ve_o_aviso() {
    // O cliente real manda a frase assim que conecta; sem ler esses bytes,
    // o servidor fecharia com RST e o aviso se perderia. O aviso sai na
    // saída de erro, e o cliente termina com erro: não houve eco.
    let server = Server::start("tcp-echo", &["--max-conexoes", "1"]);
    let _occupied = connect_tcp(&server);
    assert!(server.wait_for_log("conexão aberta"));
    let port = server.port().to_string();
    for _ in 0..5 {
        let output = run(
            "tcp-echo",
            &["cliente", "--porta", &port, "quero entrar"],
            b"",
        );
        assert_eq!(output.status.code(), Some(1), "{}", output.stderr);
        assert_eq!(output.stdout_text(), "");
        assert!(
            output
                .stderr
                .contains("o servidor recusou a conexão: servidor lotado (o limite é 1)"),
            "{}",
            output.stderr
        );
    }
}

#[test]
fn conexao_ociosa_e_fechada_pelo_servidor() {
    let server = Server::start("tcp-echo", &["--ocioso", "0.3"]);
    let mut stream = connect_tcp(&server);
    stream.write_all(b"oi").unwrap();
    assert_eq!(read_n(&mut stream, 2), b"OI");
    // Sem mandar mais nada, o servidor fecha: a leitura vê o fim (0 bytes).
    let mut rest = Vec::new();
    stream.read_to_end(&mut rest).unwrap();
    assert!(rest.is_empty());
    assert!(
        server.wait_for_log("parada por mais de 0.3 s"),
        "{:?}",
        server.log()
    );
}

#[test]
fn cliente_real_envia_os_argumentos_e_mostra_a_resposta() {
    let server = Server::start("tcp-echo", &[]);
    let port = server.port().to_string();
    let output = run(
        "tcp-echo",
        &["cliente", "--porta", &port, "olá,", "conexão!"],
        b"",
    );
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "OLÁ, CONEXÃO!\n");
}

#[test]
fn cliente_real_interativo_manda_uma_linha_por_vez() {
    let server = Server::start("tcp-echo", &[]);
    let port = server.port().to_string();
    let input = "primeira\nsegunda ação\núltima sem quebra".as_bytes();
    let output = run("tcp-echo", &["client", "--porta", &port], input);
    assert!(output.status.success(), "{}", output.stderr);
    // A saída é o fluxo de volta, byte a byte: nenhuma quebra de linha a mais.
    assert_eq!(
        output.stdout_text(),
        "PRIMEIRA\nSEGUNDA AÇÃO\nÚLTIMA SEM QUEBRA"
    );
}

#[test]
fn cliente_sem_servidor_explica_a_recusa() {
    let port = avaliacao::free_port().to_string();
    let output = run("tcp-echo", &["cliente", "--porta", &port, "oi"], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        output.stderr.contains("conexão recusada"),
        "{}",
        output.stderr
    );
    assert!(!output.stderr.contains("panicked"));
}

#[test]
fn segundo_servidor_na_porta_ocupada_explica_e_sai() {
    let server = Server::start("tcp-echo", &[]);
    avaliacao::assert_busy_port_refused("tcp-echo", &server);
    let mut stream = connect_tcp(&server);
    stream.write_all(b"ok").unwrap();
    assert_eq!(read_n(&mut stream, 2), b"OK");
}

#[test]
fn servidor_em_ipv6_atende_ipv6_e_ipv4() {
    if avaliacao::ipv6_available() {
        avaliacao::assert_dual_stack("tcp-echo");
    }
}

#[test]
#[cfg_attr(
    windows,
    ignore = "no Windows não há sinais: o teste só saberia encerrar o servidor à força \
              (TerminateProcess), sem a última linha"
)]
fn ctrl_c_encerra_o_servidor_com_uma_ultima_linha() {
    let mut server = Server::start("tcp-echo", &[]);
    let _open = connect_tcp(&server);
    assert!(server.wait_for_log("conexão aberta"));
    let status = server.stop_with("INT");
    assert!(status.success(), "saída: {status:?}");
    assert_eq!(
        server.log().last().map(String::as_str),
        Some("servidor TCP encerrado.")
    );
}

/// Um "servidor" que lê a frase e fecha sem responder: o cliente não mostra
/// uma linha vazia como se fosse a resposta; diz o que houve e sai com erro.
#[test]
fn cliente_explica_servidor_que_fecha_sem_responder() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let server = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut buffer = [0u8; 64];
        let _ = stream.read(&mut buffer);
    });
    let output = run("tcp-echo", &["cliente", "--porta", &port, "oi"], b"");
    server.join().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "");
    assert!(
        output
            .stderr
            .contains("o servidor fechou a conexão sem responder"),
        "{}",
        output.stderr
    );
}

/// Sem nada a enviar (entrada vazia ou fechada), o cliente diz que nada foi
/// enviado e sai com erro, em vez de sair calado com 0.
#[test]
fn cliente_com_entrada_vazia_diz_que_nada_foi_enviado() {
    let server = Server::start("tcp-echo", &[]);
    let output = run(
        "tcp-echo",
        &["cliente", "--porta", &server.port().to_string()],
        b"",
    );
    assert_eq!(output.status.code(), Some(1), "{}", output.stderr);
    assert_eq!(output.stdout_text(), "");
    assert!(
        output.stderr.contains("nada foi enviado"),
        "{}",
        output.stderr
    );
}
