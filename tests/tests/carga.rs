//! Carga e falhas: muitos clientes, clientes lentos, mudos, que não leem, que
//! somem no meio, lixo binário. Os servidores têm de seguir de pé e atendendo.
//! Tudo pela loopback, com número de repetições e tempo limitados.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpStream, UdpSocket};
use std::thread;
use std::time::{Duration, Instant};

use avaliacao::{PATIENCE, Server, connect_tcp};

fn ask(stream: &mut TcpStream, line: &str) {
    stream.write_all(line.as_bytes()).unwrap();
    let mut reply = vec![0u8; line.len()];
    stream.read_exact(&mut reply).unwrap();
    assert_eq!(reply, line.to_uppercase().as_bytes());
}

/// Um gerador de números pseudoaleatórios simples (xorshift), com semente
/// fixa: o teste é o mesmo em toda execução.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn trezentas_conexoes_simultaneas_com_pouca_memoria() {
    let server = Server::start("tcp-echo", &[]);
    let mut streams: Vec<TcpStream> = (0..300).map(|_| connect_tcp(&server)).collect();
    for (i, stream) in streams.iter_mut().enumerate() {
        stream
            .write_all(format!("conexão {i}\n").as_bytes())
            .unwrap();
    }
    for (i, stream) in streams.iter_mut().enumerate() {
        let expected = format!("CONEXÃO {i}\n");
        let mut reply = vec![0u8; expected.len()];
        stream.read_exact(&mut reply).unwrap();
        assert_eq!(reply, expected.as_bytes());
    }
    if let Some(rss) = server.rss_kib() {
        assert!(rss < 64 * 1024, "RSS de {rss} KiB com 300 conexões");
    }
    // Todas continuam vivas depois da primeira troca.
    for stream in streams.iter_mut().step_by(37) {
        ask(stream, "de novo\n");
    }
}

#[test]
fn limite_de_conexoes_sob_carga_e_recuperacao() {
    let server = Server::start("tcp-echo", &["--max-conexoes", "50"]);
    let mut streams: Vec<TcpStream> = (0..50).map(|_| connect_tcp(&server)).collect();
    for stream in &mut streams {
        ask(stream, "dentro do limite\n");
    }
    let mut extra = connect_tcp(&server);
    let mut notice = String::new();
    extra.read_to_string(&mut notice).unwrap();
    assert!(notice.contains("servidor lotado"), "{notice}");
    // Dez saem; dez novas entram.
    streams.truncate(40);
    assert!(avaliacao::wait_until(|| {
        server
            .log()
            .iter()
            .filter(|l| l.contains("conexão encerrada pelo cliente"))
            .count()
            == 10
    }));
    for _ in 0..10 {
        ask(&mut connect_tcp(&server), "vaga nova\n");
    }
}

#[test]
fn sessenta_e_quatro_mib_exatos_enquanto_outro_cliente_e_atendido() {
    let server = Server::start("tcp-echo", &[]);
    let mut stream = connect_tcp(&server);
    let mut writer = stream.try_clone().unwrap();
    const TOTAL: usize = 64 * 1024 * 1024;
    let sender = thread::spawn(move || {
        let chunk: Vec<u8> = (0..1024 * 1024).map(|i| b'a' + (i % 26) as u8).collect();
        for _ in 0..TOTAL / chunk.len() {
            writer.write_all(&chunk).unwrap();
        }
        writer.shutdown(Shutdown::Write).unwrap();
    });
    // Enquanto o fluxo passa, outro cliente conversa normalmente.
    let mut other = connect_tcp(&server);
    for i in 0..20 {
        ask(&mut other, &format!("enquanto isso, {i}\n"));
    }
    let mut received = 0usize;
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = stream.read(&mut buffer).unwrap();
        if n == 0 {
            break;
        }
        for (k, byte) in buffer[..n].iter().enumerate() {
            let expected = b'A' + ((received + k) % (1024 * 1024) % 26) as u8;
            assert_eq!(*byte, expected, "byte {} errado", received + k);
        }
        received += n;
    }
    sender.join().unwrap();
    assert_eq!(received, TOTAL);
}

#[test]
fn cliente_mudo_nao_atrapalha_os_outros() {
    let server = Server::start("tcp-echo", &[]);
    let _silent: Vec<TcpStream> = (0..20).map(|_| connect_tcp(&server)).collect();
    ask(&mut connect_tcp(&server), "alguém aí?\n");
}

#[test]
fn cliente_que_nao_le_e_freado_pelo_controle_de_fluxo() {
    let server = Server::start("tcp-echo", &[]);
    let stream = connect_tcp(&server);
    stream.set_nonblocking(true).unwrap();
    let chunk = vec![b'x'; 64 * 1024];
    let mut accepted = 0usize;
    let started = Instant::now();
    let mut stalled_since: Option<Instant> = None;
    // Escreve sem nunca ler. Os buffers (do cliente, do servidor nos dois
    // sentidos) enchem, e o TCP para de aceitar dados: o servidor não guarda
    // uma quantidade sem limite na memória dele.
    while started.elapsed() < PATIENCE {
        match (&stream).write(&chunk) {
            Ok(n) => {
                accepted += n;
                stalled_since = None;
            }
            Err(err) if err.kind() == ErrorKind::WouldBlock => {
                let since = *stalled_since.get_or_insert_with(Instant::now);
                if since.elapsed() > Duration::from_millis(500) {
                    break;
                }
                thread::sleep(Duration::from_millis(10));
            }
            Err(err) => panic!("erro ao escrever: {err}"),
        }
    }
    eprintln!("o TCP aceitou {accepted} bytes sem leitura antes de frear o envio");
    assert!(stalled_since.is_some(), "o envio nunca foi freado");
    assert!(
        accepted < 256 * 1024 * 1024,
        "{accepted} bytes aceitos sem leitura"
    );
    if let Some(rss) = server.rss_kib() {
        assert!(rss < 64 * 1024, "RSS de {rss} KiB");
    }
    // O servidor segue atendendo os outros.
    ask(&mut connect_tcp(&server), "ainda respondo\n");
    // E, quando o cliente volta a ler, recebe tudo de volta em maiúsculas.
    stream.set_nonblocking(false).unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    let mut back = 0usize;
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let n = (&stream).read(&mut buffer).unwrap();
        if n == 0 {
            break;
        }
        assert!(buffer[..n].iter().all(|&b| b == b'X'));
        back += n;
    }
    assert_eq!(back, accepted);
}

#[test]
fn cliente_lento_um_byte_por_vez() {
    let server = Server::start("tcp-echo", &[]);
    let mut slow = connect_tcp(&server);
    let mut other = connect_tcp(&server);
    for (i, byte) in b"devagar".iter().enumerate() {
        slow.write_all(&[*byte]).unwrap();
        let mut reply = [0u8; 1];
        slow.read_exact(&mut reply).unwrap();
        assert_eq!(reply[0], byte.to_ascii_uppercase());
        ask(&mut other, &format!("rápido {i}\n"));
        thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn resets_no_meio_do_fluxo_nao_derrubam_o_servidor() {
    let server = Server::start("tcp-echo", &[]);
    for _ in 0..20 {
        let stream = connect_tcp(&server);
        (&stream).write_all(&vec![b'z'; 200_000]).unwrap_or(());
        socket2::SockRef::from(&stream)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        drop(stream);
    }
    ask(&mut connect_tcp(&server), "sobrevivi\n");
}

#[test]
fn tres_mil_datagramas_aleatorios_e_depois_um_cliente_normal() {
    let server = Server::start("udp-echo", &[]);
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let mut random = Random(0x5eed_1234_abcd_0001);
    let mut datagram = Vec::new();
    for _ in 0..3000 {
        let size = (random.next() % 65_508) as usize;
        datagram.clear();
        datagram.extend((0..size).map(|_| random.next() as u8));
        socket.send_to(&datagram, server.addr).unwrap();
    }
    if let Some(rss) = server.rss_kib() {
        assert!(rss < 64 * 1024, "RSS de {rss} KiB");
    }
    // Um cliente normal é atendido (com paciência: o servidor pode ainda
    // estar respondendo o lixo, e o UDP pode descartar, então reenviamos).
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let deadline = Instant::now() + PATIENCE;
    let mut buffer = [0u8; 64];
    let answered = loop {
        assert!(Instant::now() < deadline, "o servidor não respondeu mais");
        client.send_to(b"normal", server.addr).unwrap();
        if let Ok((n, _)) = client.recv_from(&mut buffer) {
            break buffer[..n].to_vec();
        }
    };
    assert_eq!(answered, b"NORMAL");
}

#[test]
fn sigint_e_sigterm_durante_carga_encerram_com_zero() {
    for (program, signal) in [
        ("tcp-echo", "INT"),
        ("tcp-echo", "TERM"),
        ("udp-echo", "TERM"),
    ] {
        let mut server = Server::start(program, &[]);
        let addr = server.addr;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let load: Vec<_> = (0..8)
            .map(|_| {
                let stop = std::sync::Arc::clone(&stop);
                thread::spawn(move || {
                    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
                    let tcp = TcpStream::connect_timeout(&addr, PATIENCE).ok();
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let _ = udp.send_to(b"carga", addr);
                        if let Some(mut tcp) = tcp.as_ref() {
                            let _ = tcp.write_all(b"carga\n");
                        }
                        thread::sleep(Duration::from_millis(1));
                    }
                })
            })
            .collect();
        thread::sleep(Duration::from_millis(200));
        let status = server.stop_with(signal);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for worker in load {
            worker.join().unwrap();
        }
        assert!(status.success(), "{program} com SIG{signal}: {status:?}");
        let last = server.log().last().cloned().unwrap_or_default();
        assert!(
            last.ends_with("encerrado."),
            "{program}: última linha {last:?}"
        );
    }
}
