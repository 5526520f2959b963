//! Exercício 1: o laço do servidor UDP (`serve`, em `udp-echo/src/server.rs`).
//!
//! Roda o servidor de verdade e conversa com ele por um socket UDP comum.

use std::net::UdpSocket;
use std::time::{Duration, Instant};

use avaliacao::{Server, assert_bytes_eq, assert_udp_reply, receive_reply};

#[test]
fn responde_em_maiusculas() {
    let server = Server::start("udp-echo", &[]);
    assert_udp_reply(&server, b"hello world", b"HELLO WORLD");
}

#[test]
fn responde_com_acentos() {
    let server = Server::start("udp-echo", &[]);
    assert_udp_reply(&server, "ação não".as_bytes(), "AÇÃO NÃO".as_bytes());
}

#[test]
fn responde_muitos_datagramas_sem_parar() {
    let server = Server::start("udp-echo", &[]);
    for i in 0..50 {
        let message = format!("mensagem {i}");
        assert_udp_reply(
            &server,
            message.as_bytes(),
            message.to_uppercase().as_bytes(),
        );
    }
}

#[test]
fn cada_cliente_recebe_a_propria_resposta() {
    let server = Server::start("udp-echo", &[]);
    let a = UdpSocket::bind("127.0.0.1:0").unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").unwrap();
    a.send_to(b"de a", server.addr).unwrap();
    b.send_to(b"de b", server.addr).unwrap();
    let (reply, _) = receive_reply(&server, &b, "a resposta ao cliente b, que mandou \"de b\"");
    assert_bytes_eq(b"DE B", &reply, "o cliente b mandou \"de b\"");
    let (reply, _) = receive_reply(&server, &a, "a resposta ao cliente a, que mandou \"de a\"");
    assert_bytes_eq(b"DE A", &reply, "o cliente a mandou \"de a\"");
}

#[test]
fn datagrama_vazio_e_bytes_invalidos_nao_derrubam_o_servidor() {
    let server = Server::start("udp-echo", &[]);
    assert_udp_reply(&server, b"", b"");
    assert_udp_reply(&server, b"a\xff\xfeb", b"A\xff\xfeB");
    assert_udp_reply(&server, b"continua", b"CONTINUA");
}

#[test]
fn datagrama_grande_volta_inteiro() {
    let server = Server::start("udp-echo", &[]);
    let message = vec![b'x'; 60_000];
    assert_udp_reply(&server, &message, &vec![b'X'; 60_000]);
}

#[test]
fn erro_ao_enviar_a_resposta_nao_para_o_servidor() {
    // "ΐ" tem 2 bytes e, em maiúsculas, vira 3 caracteres com 6 bytes: a
    // resposta a 30 000 bytes dele teria 90 000, mais que o maior datagrama
    // UDP. O `send_to` falha (EMSGSIZE), e o servidor tem de seguir atendendo.
    let server = Server::start("udp-echo", &[]);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let huge = "ΐ".repeat(15_000);
    socket.send_to(huge.as_bytes(), server.addr).unwrap();
    assert_udp_reply(&server, b"depois do erro", b"DEPOIS DO ERRO");
    assert!(
        server.is_alive(),
        "um erro ao enviar não pode parar o servidor (não use `?` no send_to)"
    );
}

/// "Nem um erro ao receber": o servidor responde a um cliente que já fechou
/// a porta; o sistema do cliente devolve um aviso ICMP ("porta inalcançável"),
/// e o próximo `recv_from` do servidor falha com esse erro. No Windows isso
/// acontece sozinho (WSAECONNRESET); no Linux, só com a opção IP_RECVERR no
/// socket do servidor, que o teste liga de fora (veja `linux` abaixo).
#[test]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "o erro é provocado com IP_RECVERR e SIGSTOP, que só o Linux tem; no \
              Windows o erro vem sozinho, mas o Wine 8, onde a CI roda os testes do \
              Windows, não o repassa"
)]
fn erro_ao_receber_nao_para_o_servidor() {
    let server = Server::start("udp-echo", &[]);
    if !reply_to_a_closed_port(&server) {
        return;
    }
    assert_udp_reply(&server, b"depois do erro", b"DEPOIS DO ERRO");
    assert!(
        server.is_alive(),
        "um erro ao receber não pode parar o servidor (não use `?` no recv_from: \
         mande o erro para `log_recv_error` e siga com `continue`)"
    );
}

#[cfg(target_os = "linux")]
use linux::reply_to_a_closed_port;

/// Fora do Linux o teste fica `ignored` (veja o motivo acima).
#[cfg(not(target_os = "linux"))]
fn reply_to_a_closed_port(_: &Server) -> bool {
    panic!("este teste só sabe provocar o erro ao receber no Linux")
}

/// Como o teste provoca, no Linux, o erro ao receber.
#[cfg(target_os = "linux")]
mod linux {
    use std::net::UdpSocket;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    use avaliacao::Server;

    /// Faz o servidor responder a uma porta fechada, com o IP_RECVERR ligado
    /// no socket dele: o próximo `recv_from` do servidor falha (ECONNREFUSED).
    /// Devolve `false` (com o aviso) se este sistema não deixa o teste ligar a
    /// opção; na CI, isso é uma falha.
    pub fn reply_to_a_closed_port(server: &Server) -> bool {
        if let Err(reason) = report_icmp_errors(server) {
            // Um servidor que já parou (o `todo!()`, um pânico) não é uma
            // máquina que não deixa: é o teste que falha.
            assert!(
                server.is_alive(),
                "o servidor parou (entrou em pânico? devolveu um erro?) logo depois de começar"
            );
            avaliacao::skip(&format!(
                "não foi possível ligar o IP_RECVERR no servidor: {reason}"
            ));
            return false;
        }
        let pid = libc::pid_t::try_from(server.pid()).expect("pid");
        // Com o servidor parado (SIGSTOP), o cliente manda e fecha a porta
        // antes de o servidor poder responder; sem isso, a resposta poderia
        // chegar antes de a porta fechar, e não haveria erro nenhum.
        signal(pid, libc::SIGSTOP);
        let gone = UdpSocket::bind("127.0.0.1:0").unwrap();
        gone.send_to(b"ninguem vai ler a resposta", server.addr)
            .unwrap();
        drop(gone);
        signal(pid, libc::SIGCONT);
        true
    }

    fn signal(pid: libc::pid_t, number: libc::c_int) {
        // SAFETY: kill só manda um sinal, ao servidor que o teste iniciou.
        let sent = unsafe { libc::kill(pid, number) };
        assert_eq!(
            sent, 0,
            "não foi possível mandar o sinal {number} ao servidor"
        );
    }

    /// Liga IP_RECVERR no socket UDP do servidor, que é de outro processo: o
    /// teste pega uma cópia do descritor dele com `pidfd_getfd` (Linux 5.6 ou
    /// mais novo), como um depurador faria. A cópia e o original são o mesmo
    /// socket; a opção vale para os dois.
    fn report_icmp_errors(server: &Server) -> Result<(), String> {
        let fd = server_socket_fd(server)?;
        let pid = libc::pid_t::try_from(server.pid()).expect("pid");
        // SAFETY: syscalls sem ponteiros; um resultado >= 0 é um descritor
        // novo, que só o OwnedFd fecha.
        let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
        if pidfd < 0 {
            return Err(format!("pidfd_open: {}", std::io::Error::last_os_error()));
        }
        let pidfd = unsafe { OwnedFd::from_raw_fd(pidfd as libc::c_int) };
        let copy = unsafe { libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), fd, 0) };
        if copy < 0 {
            return Err(format!("pidfd_getfd: {}", std::io::Error::last_os_error()));
        }
        let copy = unsafe { OwnedFd::from_raw_fd(copy as libc::c_int) };
        let on: libc::c_int = 1;
        // SAFETY: `on` vive até o fim da chamada, que só lê o tamanho dado.
        let set = unsafe {
            libc::setsockopt(
                copy.as_raw_fd(),
                libc::SOL_IP,
                libc::IP_RECVERR,
                (&raw const on).cast(),
                size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        if set != 0 {
            return Err(format!("IP_RECVERR: {}", std::io::Error::last_os_error()));
        }
        Ok(())
    }

    /// O número do descritor do socket UDP do servidor, dentro dele: o
    /// `/proc/PID/net/udp` diz o inode do socket na porta do servidor, e o
    /// `/proc/PID/fd` diz qual descritor aponta para esse inode.
    fn server_socket_fd(server: &Server) -> Result<libc::c_int, String> {
        let proc = format!("/proc/{}", server.pid());
        let table = std::fs::read_to_string(format!("{proc}/net/udp"))
            .map_err(|e| format!("{proc}/net/udp: {e}"))?;
        let port = format!(":{:04X}", server.port());
        let inode = table
            .lines()
            .skip(1)
            .map(|line| line.split_whitespace().collect::<Vec<_>>())
            .find(|fields| fields.get(1).is_some_and(|local| local.ends_with(&port)))
            .and_then(|fields| fields.get(9).map(|inode| format!("socket:[{inode}]")))
            .ok_or_else(|| {
                format!(
                    "nenhum socket UDP na porta {} em {proc}/net/udp",
                    server.port()
                )
            })?;
        let entries =
            std::fs::read_dir(format!("{proc}/fd")).map_err(|e| format!("{proc}/fd: {e}"))?;
        for entry in entries.flatten() {
            let link = std::fs::read_link(entry.path()).unwrap_or_default();
            if link.to_string_lossy() == inode {
                if let Some(fd) = entry.file_name().to_str().and_then(|n| n.parse().ok()) {
                    return Ok(fd);
                }
            }
        }
        Err(format!("nenhum descritor do servidor aponta para {inode}"))
    }
}

/// Manda os datagramas `01` a `20`, na ordem, e devolve as respostas que
/// chegaram até a do `20`.
fn replies_until_the_last(server: &Server) -> Vec<String> {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 1..=20 {
        socket
            .send_to(format!("{i:02}").as_bytes(), server.addr)
            .unwrap();
    }
    let mut replies = Vec::new();
    while replies.last().map(String::as_str) != Some("20") {
        let (reply, _) = receive_reply(
            server,
            &socket,
            &format!("a resposta ao datagrama 20 (vieram antes: {replies:?})"),
        );
        replies.push(String::from_utf8_lossy(&reply).into_owned());
    }
    replies
}

#[test]
fn perda_simulada_descarta_os_datagramas_sorteados() {
    // Com a semente 42 e 30 % de perda, o simulador sorteia perder estes
    // (o mesmo sorteio do teste `perda_simulada`); o 20 passa.
    let server = Server::start("udp-echo", &["--perda", "0.3", "--semente", "42"]);
    let replies = replies_until_the_last(&server);
    let expected = [
        "01", "04", "06", "08", "09", "10", "12", "13", "14", "15", "18", "20",
    ];
    assert!(
        replies == expected,
        "com --perda 0.3 --semente 42, o servidor deve descartar os datagramas \
         02, 03, 05, 07, 11, 16, 17 e 19 (pergunte a `simulator.lose()` uma vez \
         por datagrama, antes de responder)\n  respostas esperadas: {expected:?}\n  \
         respostas que vieram: {replies:?}"
    );
}

#[test]
fn atraso_simulado_segura_a_resposta() {
    let server = Server::start("udp-echo", &["--atraso", "300ms"]);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let sent = Instant::now();
    socket.send_to(b"devagar", server.addr).unwrap();
    let (reply, _) = receive_reply(&server, &socket, "a resposta atrasada a \"devagar\"");
    let waited = sent.elapsed();
    assert_bytes_eq(b"DEVAGAR", &reply, "enviado \"devagar\" com --atraso 300ms");
    assert!(
        waited >= Duration::from_millis(300),
        "com --atraso 300ms, a resposta veio em {} ms: quando `simulator.delay()` \
         devolve um atraso, a resposta sai por `simulator.send_later`",
        waited.as_millis()
    );
}
