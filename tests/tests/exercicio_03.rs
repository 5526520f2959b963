//! Exercício 3: o eco TCP de uma conexão (`echo`, em `tcp-echo/src/server.rs`).
//!
//! O teste abre a conexão ele mesmo e chama `echo` do lado do servidor,
//! numa thread: só o exercício 3 está em jogo.

use std::io::{self, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use avaliacao::{PATIENCE, assert_bytes_eq, patience_secs, read_n, read_until_close};
use socket2::SockRef;

/// O lado do servidor de uma conexão de teste: o que `echo` devolveu chega
/// pelo canal quando ela termina.
struct ServerSide {
    done: mpsc::Receiver<io::Result<u64>>,
    /// Uma cópia do socket do servidor, para ler as opções dele de fora.
    socket: TcpStream,
}

impl ServerSide {
    /// Espera `echo` terminar (até [`PATIENCE`]) e devolve o resultado dela.
    #[track_caller]
    fn result(&self, why: &str) -> io::Result<u64> {
        self.done.recv_timeout(PATIENCE).unwrap_or_else(|_| {
            panic!(
                "`echo` não terminou em {} s depois que {why}",
                patience_secs()
            )
        })
    }

    /// Espera `echo` terminar bem e devolve o total de bytes que ela contou.
    #[track_caller]
    fn total(&self) -> u64 {
        match self.result("o cliente fechou a conexão") {
            Ok(total) => total,
            Err(err) => {
                panic!("`echo` devia terminar bem quando o cliente fecha, mas deu erro: {err}")
            }
        }
    }
}

/// Uma conexão cujo lado do servidor é atendido por `echo`, com o tempo-limite
/// de conexão parada `idle`.
fn connection_with(idle: Duration) -> (TcpStream, ServerSide) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let client = TcpStream::connect(address).unwrap();
    client.set_read_timeout(Some(PATIENCE)).unwrap();
    let (mut stream, from) = listener.accept().unwrap();
    let socket = stream.try_clone().unwrap();
    let (sender, done) = mpsc::channel();
    thread::spawn(move || {
        // Um `echo` que entra em pânico (o `todo!` do kit, por exemplo) fecha
        // a conexão também: o cliente do teste vê o fim na hora, em vez de
        // esperar a paciência inteira por uma resposta que não vem.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            tcp_echo::server::echo(&mut stream, from, idle)
        }));
        // Como o `serve` do servidor, que fecha a conexão quando `echo` volta
        // (aqui com `shutdown`, porque a cópia `socket` ainda está aberta).
        let _ = stream.shutdown(Shutdown::Both);
        let result = result.unwrap_or_else(|_| {
            Err(io::Error::other(
                "`echo` entrou em pânico (a mensagem está acima)",
            ))
        });
        let _ = sender.send(result);
    });
    (client, ServerSide { done, socket })
}

fn connection() -> (TcpStream, ServerSide) {
    connection_with(Duration::from_secs(20))
}

#[test]
fn varias_linhas_na_mesma_conexao() {
    let (mut client, server) = connection();
    for line in ["primeira\n", "segunda linha\n", "ação!\n"] {
        client.write_all(line.as_bytes()).unwrap();
        let reply = read_n(&mut client, line.len());
        assert_bytes_eq(
            line.to_uppercase().as_bytes(),
            &reply,
            &format!("enviado {line:?} na mesma conexão"),
        );
    }
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(
        server.total(),
        ("primeira\nsegunda linha\nação!\n").len() as u64,
        "`echo` devolve quantos bytes recebeu ao todo"
    );
}

#[test]
fn responde_sem_esperar_quebra_de_linha() {
    let (mut client, _server) = connection();
    client.write_all(b"sem quebra").unwrap();
    let reply = read_n(&mut client, 10);
    assert_bytes_eq(b"SEM QUEBRA", &reply, "enviado \"sem quebra\", sem \\n");
}

#[test]
fn termina_quando_o_cliente_fecha() {
    let (mut client, server) = connection();
    client.write_all(b"tchau").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let rest = read_until_close(&mut client);
    assert_bytes_eq(b"TCHAU", &rest, "enviado \"tchau\" e fechada a escrita");
    assert_eq!(server.total(), 5, "`echo` devolve quantos bytes recebeu");
}

#[test]
fn caractere_cortado_entre_duas_escritas() {
    let (mut client, server) = connection();
    let bytes = "ç".as_bytes();
    client.write_all(&bytes[..1]).unwrap();
    client.flush().unwrap();
    thread::sleep(Duration::from_millis(100));
    client.write_all(&bytes[1..]).unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let reply = read_until_close(&mut client);
    assert_bytes_eq(
        "Ç".as_bytes(),
        &reply,
        "enviado \"ç\" em duas escritas, um byte em cada (use um Uppercaser)",
    );
    server.total();
}

#[test]
fn caractere_incompleto_no_fim_volta_como_veio() {
    // O cliente manda só o primeiro byte de um "ç" e fecha: no fim da
    // conexão, o que o Uppercaser guardava tem de sair (`finish`).
    let (mut client, server) = connection();
    client.write_all(b"fim \xC3").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    let reply = read_until_close(&mut client);
    assert_bytes_eq(
        b"FIM \xC3",
        &reply,
        "enviado \"fim \" e meio \"ç\" antes de fechar (no fim, chame `finish`)",
    );
    assert_eq!(server.total(), 5);
}

#[test]
fn setenta_mil_bytes_voltam_inteiros() {
    let (mut client, server) = connection();
    let message: Vec<u8> = (0..70_000).map(|i| b'a' + (i % 26) as u8).collect();
    let expected = message.to_ascii_uppercase();
    let mut writer = client.try_clone().unwrap();
    let sender = thread::spawn(move || {
        writer.write_all(&message).unwrap();
        writer.shutdown(Shutdown::Write).unwrap();
    });
    let reply = read_until_close(&mut client);
    sender.join().unwrap();
    assert_bytes_eq(&expected, &reply, "enviados 70 000 bytes (a..z repetido)");
    assert_eq!(server.total(), 70_000);
}

#[test]
fn conexao_configurada_antes_de_ler() {
    // `configure_stream` liga o TCP_NODELAY e os tempos-limite do socket.
    let idle = Duration::from_secs(7);
    let (mut client, server) = connection_with(idle);
    client.write_all(b"oi").unwrap();
    assert_bytes_eq(b"OI", &read_n(&mut client, 2), "enviado \"oi\"");
    let socket = SockRef::from(&server.socket);
    let hint = "chame `common::tcp::configure_stream(stream, Some(idle_timeout))` antes do laço";
    assert!(
        socket.tcp_nodelay().unwrap(),
        "TCP_NODELAY desligado: {hint}"
    );
    assert_eq!(
        socket.read_timeout().unwrap(),
        Some(idle),
        "o tempo-limite de leitura não é o idle_timeout: {hint}"
    );
    assert_eq!(
        socket.write_timeout().unwrap(),
        Some(idle),
        "o tempo-limite de escrita não é o idle_timeout: {hint}"
    );
}

#[test]
fn conexao_parada_termina_com_erro_de_tempo() {
    // Um cliente que conecta e não manda nada: passado o idle_timeout, `echo`
    // devolve o erro de tempo esgotado (quem chama registra e fecha).
    let (_client, server) = connection_with(Duration::from_millis(300));
    match server.result("a conexão ficou parada por mais que o idle_timeout (0,3 s)") {
        Err(err) if avaliacao::is_timeout(&err) => {}
        Err(err) => panic!("esperava o erro de tempo esgotado, veio outro: {err}"),
        Ok(total) => panic!("esperava o erro de tempo esgotado, mas `echo` devolveu Ok({total})"),
    }
}

#[test]
fn conexao_derrubada_devolve_o_erro() {
    // O cliente "derruba" a conexão (um RST, em vez do fim normal): o `read`
    // do servidor falha, e `echo` tem de devolver esse erro.
    let (mut client, server) = connection();
    client.write_all(b"vou cair").unwrap();
    assert_bytes_eq(b"VOU CAIR", &read_n(&mut client, 8), "enviado \"vou cair\"");
    SockRef::from(&client)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(client);
    match server.result("o cliente derrubou a conexão") {
        Err(_) => {}
        Ok(total) => panic!(
            "a conexão caiu (ConnectionReset), mas `echo` devolveu Ok({total}): \
             um erro do `read` que não é Interrupted volta para quem chamou"
        ),
    }
}

/// Um sinal que chega durante o `read` faz ele voltar com `Interrupted`
/// (EINTR), sem erro nenhum na conexão: `echo` tem de ler de novo.
#[cfg(unix)]
#[test]
fn leitura_interrompida_por_um_sinal_continua() {
    use std::os::unix::thread::JoinHandleExt;

    extern "C" fn ignore(_: libc::c_int) {}
    // SAFETY: instala, só para o SIGUSR2, um tratador que não faz nada; sem
    // SA_RESTART, um `read` interrompido por ele volta com EINTR.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = ignore as extern "C" fn(libc::c_int) as usize;
        action.sa_flags = 0;
        libc::sigemptyset(&mut action.sa_mask);
        assert_eq!(
            libc::sigaction(libc::SIGUSR2, &action, std::ptr::null_mut()),
            0
        );
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    client.set_read_timeout(Some(PATIENCE)).unwrap();
    let (mut stream, from) = listener.accept().unwrap();
    let server = thread::spawn(move || {
        let result = tcp_echo::server::echo(&mut stream, from, PATIENCE);
        let _ = stream.shutdown(Shutdown::Both);
        result
    });
    client.write_all(b"antes").unwrap();
    assert_bytes_eq(b"ANTES", &read_n(&mut client, 5), "enviado \"antes\"");
    // Agora a thread de `echo` está (ou logo estará) parada no `read`.
    for _ in 0..5 {
        thread::sleep(Duration::from_millis(40));
        // SAFETY: a thread ainda existe (só termina quando o cliente fechar,
        // mais abaixo), e o SIGUSR2 tem o tratador vazio instalado acima.
        unsafe {
            libc::pthread_kill(server.as_pthread_t(), libc::SIGUSR2);
        }
    }
    client.write_all(b"depois").unwrap();
    let reply = read_n(&mut client, 6);
    assert_bytes_eq(
        b"DEPOIS",
        &reply,
        "enviado \"depois\", após sinais que interromperam o read (Interrupted: leia de novo)",
    );
    client.shutdown(Shutdown::Write).unwrap();
    let result = server.join().unwrap();
    assert!(
        result.is_ok(),
        "um read interrompido (Interrupted) não é erro da conexão, mas `echo` devolveu {result:?}"
    );
}
