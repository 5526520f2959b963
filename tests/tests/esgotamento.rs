//! Esgotamento: o servidor TCP quando acabam os descritores, numa rajada de
//! conexões, com clientes recusados que não vão embora, e com a saída padrão
//! parada. Ele tem de seguir atendendo o que já tem, respeitar os próprios
//! limites e voltar ao normal sozinho. E o cliente TCP com uma entrada enorme
//! ou um servidor que não para: memória limitada, sem travar.
//!
//! Só no Linux: os limites (`setrlimit`) e as contagens (`/proc/PID/task`,
//! `/proc/PID/fd`) são do Linux. Tudo pela loopback, com repetições contadas;
//! os tempos medidos são só mostrados (`--nocapture`), nunca comparados com
//! metas de velocidade: os tempos-limite aqui são folgados, para não
//! travar, e valem numa máquina ocupada.
#![cfg(target_os = "linux")]

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use avaliacao::{PATIENCE, Server, binary, connect_tcp, read_n, wait_until};
use tcp_echo::threads::{IDLE_THREAD_TIMEOUT, SPARE_THREADS};

/// Além das threads de conexões, o servidor tem duas: a que escreve o log e
/// a que recebe o Ctrl+C.
const HELPER_THREADS: usize = 2;

/// Quantas threads o processo `pid` tem agora.
fn threads_of(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/task")).map_or(0, Iterator::count)
}

/// Quantos descritores de arquivo o processo `pid` tem abertos agora.
fn fds_of(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count)
}

/// Este processo (o teste) abre muitas conexões: sobe o próprio limite de
/// descritores até o máximo permitido, e devolve esse limite.
fn raise_own_fd_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit e setrlimit só leem e escrevem a struct dada, que vive
    // durante as chamadas.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        limit.rlim_cur = limit.rlim_max;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &limit), 0);
    }
    limit.rlim_cur
}

/// O servidor TCP com no máximo `fds` descritores de arquivo (o `ulimit -n`
/// de uma turma), mais os argumentos `extra`.
fn server_with_fd_limit(fds: u64, extra: &[&str]) -> Server {
    server_with_limit(libc::RLIMIT_NOFILE, fds, extra)
}

/// O servidor TCP com o limite `resource` (`RLIMIT_NOFILE`, o `ulimit -n`;
/// `RLIMIT_AS`, o `ulimit -v`) em `value`, mais os argumentos `extra`.
fn server_with_limit(resource: libc::__rlimit_resource_t, value: u64, extra: &[&str]) -> Server {
    let mut command = Command::new(binary("tcp-echo"));
    command.args(["servidor", "--endereco", "127.0.0.1", "--porta", "0"]);
    command.args(extra);
    let limit = libc::rlimit {
        rlim_cur: value,
        rlim_max: value,
    };
    // SAFETY: entre o fork e o exec só chamamos setrlimit, que é seguro
    // nesse intervalo (async-signal-safe) e não aloca memória.
    unsafe {
        command.pre_exec(move || {
            if libc::setrlimit(resource, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    Server::spawn(command)
}

/// Conecta e manda uma linha, sem esperar a resposta.
fn connect_and_send(server: &Server, line: &str) -> TcpStream {
    let mut stream = connect_tcp(server);
    stream.write_all(line.as_bytes()).unwrap();
    stream
}

#[test]
fn servidor_sobrevive_sem_descritores_e_se_recupera() {
    raise_own_fd_limit();
    let server = server_with_fd_limit(256, &[]);
    let started = Instant::now();
    // Mais conexões que descritores: as que não cabem esperam na fila do
    // listen (o handshake já foi feito pelo sistema).
    let mut streams: Vec<TcpStream> = (0..400)
        .map(|i| connect_and_send(&server, &format!("conexão {i}\n")))
        .collect();
    assert!(
        server.wait_for_log("ulimit -n"),
        "o servidor não avisou da falta de descritores: {:?}",
        server.log().last()
    );
    assert!(server.is_alive(), "o servidor caiu sem descritores");
    // As primeiras foram aceitas antes de faltar descritor: são atendidas.
    for (i, stream) in streams.iter_mut().enumerate().take(100) {
        let expected = format!("CONEXÃO {i}\n");
        assert_eq!(read_n(stream, expected.len()), expected.as_bytes());
    }
    let pid = server.pid();
    let (threads, fds) = (threads_of(pid), fds_of(pid));
    eprintln!("sem descritores: {threads} threads, {fds} descritores");
    assert!(fds <= 256, "{fds} descritores");
    // Cada conexão aceita usa um descritor e uma thread: sem descritores,
    // sem threads novas.
    assert!(
        threads <= fds + SPARE_THREADS + HELPER_THREADS,
        "{threads} threads com {fds} descritores"
    );

    // As 200 primeiras vão embora: as da fila são aceitas e atendidas.
    let waiting = streams.split_off(200);
    drop(streams);
    for (k, mut stream) in waiting.into_iter().enumerate() {
        let expected = format!("CONEXÃO {}\n", 200 + k);
        assert_eq!(read_n(&mut stream, expected.len()), expected.as_bytes());
    }
    // E um cliente novo também.
    let mut late = connect_and_send(&server, "depois\n");
    assert_eq!(read_n(&mut late, 7), b"DEPOIS\n");
    assert!(server.is_alive());

    // O aviso aparece no máximo uma vez por segundo (mais um, pela borda).
    let seconds = started.elapsed().as_secs() as usize;
    let warnings = server
        .log()
        .iter()
        .filter(|l| l.starts_with("aviso: o accept falhou"))
        .count();
    assert!(warnings >= 1);
    assert!(
        warnings <= seconds + 2,
        "{warnings} avisos em {seconds} s: {:?}",
        server.log()
    );
    let warning = server
        .log()
        .into_iter()
        .find(|l| l.starts_with("aviso: o accept falhou"))
        .unwrap_or_default();
    assert!(warning.contains("--max-conexoes"), "{warning}");
    assert!(warning.contains("arquivos abertos"), "{warning}");
}

#[test]
fn servidor_sob_ulimit_v_atende_o_que_cabe_e_nao_aborta() {
    // O caso do issue #18: 300 clientes de uma vez contra um servidor com
    // 40 e 60 MB de espaço de endereçamento (`ulimit -v 40000`). Antes ele
    // abortava ("memory allocation of 65536 bytes failed", "failed to
    // allocate an alternative stack") em metade das vezes, levando todas as
    // conexões junto. Agora ele calcula no começo quantas conexões cabem,
    // avisa, e recusa as outras como acima de --max-conexoes.
    const CLIENTS: usize = 300;
    raise_own_fd_limit();
    for megabytes in [40, 60] {
        let server = server_with_limit(
            libc::RLIMIT_AS,
            megabytes * 1_000_000,
            &["--max-conexoes", "1000"],
        );
        assert!(
            server.wait_for_log("só deixa memória para"),
            "{:?}",
            server.log()
        );
        let warning = server
            .log()
            .into_iter()
            .find(|l| l.contains("só deixa memória para"))
            .unwrap_or_default();
        let fit: usize = warning
            .split("só deixa memória para ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("sem o número no aviso: {warning}"));
        // Uma linha que cresce ao virar maiúscula (`ΐ` → `Ϊ́`, o triplo):
        // a resposta de cada conexão pede o máximo de memória.
        let line = format!("{}\n", "ΐ".repeat(500));
        let expected = line.to_uppercase();
        let streams: Vec<TcpStream> = (0..CLIENTS)
            .map(|_| connect_and_send(&server, &line))
            .collect();
        let refusal =
            format!("ERRO: servidor lotado (o limite é {fit}); tente de novo mais tarde.\n");
        // As atendidas ficam abertas até o fim, ocupando as vagas; as
        // recusadas fecham logo, como um cliente faria.
        let (mut echoed, mut refused) = (Vec::new(), 0);
        for mut stream in streams {
            let mut reply = Vec::new();
            stream.set_read_timeout(Some(PATIENCE)).unwrap();
            // O eco inteiro (a conexão segue aberta) ou a recusa (e o fim).
            let mut chunk = [0u8; 4096];
            while reply.len() < expected.len() {
                match stream.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => reply.extend_from_slice(&chunk[..n]),
                    Err(err) => panic!("{megabytes} MB: sem resposta: {err}"),
                }
            }
            if reply == expected.as_bytes() {
                echoed.push(stream);
            } else {
                assert_eq!(String::from_utf8_lossy(&reply), refusal, "{megabytes} MB");
                refused += 1;
            }
        }
        eprintln!(
            "{megabytes} MB: cabem {fit}; {} ecos, {refused} recusas",
            echoed.len()
        );
        assert!(
            server.is_alive(),
            "{megabytes} MB: o servidor caiu: {:?}",
            server.log()
        );
        assert!((1..CLIENTS).contains(&fit), "{megabytes} MB: {warning}");
        // Todas as que cabem são atendidas, e só elas.
        assert_eq!(echoed.len(), fit, "{megabytes} MB");
        assert_eq!(refused, CLIENTS - fit, "{megabytes} MB");
        // As conexões vão embora: um cliente novo é atendido.
        drop(echoed);
        assert!(wait_until(|| {
            let mut late = connect_and_send(&server, "depois\n");
            read_n(&mut late, 7) == b"DEPOIS\n"
        }));
        for line in server.log() {
            assert!(
                !line.contains("memory allocation"),
                "{megabytes} MB: {line}"
            );
            assert!(!line.contains("failed to"), "{megabytes} MB: {line}");
        }
    }
}

#[test]
fn rajada_de_duas_mil_conexoes_respeita_o_limite_de_threads() {
    const BURST: usize = 2000;
    const MAX: usize = 100;
    let fd_limit = raise_own_fd_limit();
    assert!(
        fd_limit > BURST as u64 + 100,
        "o teste precisa de {BURST} descritores; o limite é {fd_limit}"
    );
    let server = Server::start("tcp-echo", &["--max-conexoes", &MAX.to_string()]);
    let pid = server.pid();
    // As threads livres do começo já estão lá quando a primeira linha sai.
    assert!(wait_until(
        || threads_of(pid) == SPARE_THREADS + HELPER_THREADS
    ));
    let baseline = threads_of(pid);

    // Uma thread conta as threads do servidor o tempo todo.
    let stop = Arc::new(AtomicBool::new(false));
    let most = Arc::new(AtomicUsize::new(0));
    let watcher = {
        let (stop, most) = (Arc::clone(&stop), Arc::clone(&most));
        thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                most.fetch_max(threads_of(pid), Ordering::SeqCst);
                thread::sleep(Duration::from_millis(1));
            }
        })
    };

    // Uma thread conecta as 2000 o mais rápido que pode (cada uma manda uma
    // linha); esta lê as respostas na mesma ordem, como clientes de verdade:
    // o eco (coube no limite) ou o aviso de lotado (e fecha).
    let started = Instant::now();
    let (connected, arrivals) = std::sync::mpsc::channel();
    let connector = {
        let addr = server.addr;
        thread::spawn(move || {
            for _ in 0..BURST {
                let mut stream = TcpStream::connect_timeout(&addr, PATIENCE).unwrap();
                stream.set_read_timeout(Some(PATIENCE)).unwrap();
                stream.write_all(b"x\n").unwrap();
                connected.send(stream).unwrap();
            }
        })
    };
    let mut kept = Vec::new();
    let mut refused = 0;
    for mut stream in arrivals {
        let mut reply = [0u8; 2];
        stream.read_exact(&mut reply).unwrap();
        if &reply == b"X\n" {
            kept.push(stream);
        } else {
            let mut notice = String::from_utf8_lossy(&reply).into_owned();
            stream.read_to_string(&mut notice).unwrap();
            assert!(notice.contains("servidor lotado"), "{notice}");
            refused += 1;
        }
    }
    connector.join().unwrap();
    eprintln!(
        "rajada: {} atendidas e {refused} recusadas em {:?}",
        kept.len(),
        started.elapsed()
    );
    assert_eq!(kept.len(), MAX);
    assert_eq!(refused, BURST - MAX);
    let during = threads_of(pid);
    stop.store(true, Ordering::SeqCst);
    watcher.join().unwrap();
    let most = most.load(Ordering::SeqCst).max(during);
    eprintln!("threads: {baseline} no começo, no máximo {most} durante a rajada");
    assert!(
        most <= MAX + SPARE_THREADS + HELPER_THREADS,
        "{most} threads com --max-conexoes {MAX}"
    );

    // Todos vão embora: as threads a mais terminam depois de alguns segundos.
    drop(kept);
    let closed = Instant::now();
    assert!(
        wait_until(|| threads_of(pid) <= baseline),
        "as threads não voltaram a {baseline}: {}",
        threads_of(pid)
    );
    eprintln!(
        "de volta a {} threads em {:?} (uma thread livre termina após {IDLE_THREAD_TIMEOUT:?})",
        threads_of(pid),
        closed.elapsed()
    );
    assert!(server.is_alive());
    let mut after = connect_and_send(&server, "ainda aqui\n");
    assert_eq!(read_n(&mut after, 11), b"AINDA AQUI\n");
}

#[test]
fn recusados_que_mandam_aos_pouquinhos_sao_soltos_logo() {
    let server = Server::start("tcp-echo", &["--max-conexoes", "2"]);
    let pid = server.pid();
    let mut occupying: Vec<TcpStream> = (0..2)
        .map(|_| connect_and_send(&server, "ocupado\n"))
        .collect();
    for stream in &mut occupying {
        assert_eq!(read_n(stream, 8), b"OCUPADO\n");
    }
    let fds_before = fds_of(pid);

    // Vinte clientes recusados que mandam um byte a cada 50 ms, sem ler nem
    // fechar. O servidor tem de largar cada um depois de ~200 ms; aqui, o
    // sinal é a escrita falhar (o servidor fechou e respondeu com RST).
    const TRICKLERS: usize = 20;
    let started = Instant::now();
    let mut trickling: Vec<Option<(TcpStream, Instant)>> = (0..TRICKLERS)
        .map(|_| Some((connect_tcp(&server), Instant::now())))
        .collect();
    let mut released = Vec::new();
    while released.len() < TRICKLERS {
        assert!(
            started.elapsed() < PATIENCE,
            "{} recusados ainda presos",
            TRICKLERS - released.len()
        );
        for slot in &mut trickling {
            if let Some((stream, since)) = slot {
                if (&*stream).write_all(b".").is_err() {
                    released.push(since.elapsed());
                    *slot = None;
                }
            }
        }
        thread::sleep(Duration::from_millis(50));
    }
    let slowest = released.iter().max().copied().unwrap_or_default();
    eprintln!("{TRICKLERS} recusados soltos; o último depois de {slowest:?}");
    // Nenhum ficou com um descritor do servidor.
    assert!(
        wait_until(|| fds_of(pid) <= fds_before),
        "{} descritores, eram {fds_before}",
        fds_of(pid)
    );
    // E as duas conexões de antes seguem atendidas.
    for stream in &mut occupying {
        stream.write_all(b"ainda\n").unwrap();
        assert_eq!(read_n(stream, 6), b"AINDA\n");
    }
}

#[test]
fn sigterm_encerra_mesmo_com_a_saida_parada() {
    use std::os::fd::AsRawFd;
    let mut child = Command::new(binary("tcp-echo"))
        .args(["servidor", "--endereco", "127.0.0.1", "--porta", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // Um pipe pequeno (uma página) enche rápido. Ninguém vai lê-lo depois
    // da primeira linha: é um `less` pausado.
    // SAFETY: fcntl com F_SETPIPE_SZ só muda o tamanho do pipe do descritor.
    let size = unsafe { libc::fcntl(stdout.as_raw_fd(), libc::F_SETPIPE_SZ, 4096) };
    assert!(size >= 4096, "não foi possível diminuir o pipe");
    let mut first = Vec::new();
    let mut byte = [0u8; 1];
    while byte[0] != b'\n' {
        stdout.read_exact(&mut byte).unwrap();
        first.push(byte[0]);
    }
    let first = String::from_utf8(first).unwrap();
    let addr = first
        .trim_end()
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();

    // Cada troca é uma linha de log: 300 delas não cabem no pipe.
    let mut stream = TcpStream::connect_timeout(&addr, PATIENCE).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    for i in 0..300 {
        let line = format!("linha {i:03} para encher o log do servidor\n");
        stream.write_all(line.as_bytes()).unwrap();
        read_n(&mut stream, line.len());
    }
    // O log é escrito a cada 50 ms: espera a escrita travar no pipe cheio.
    thread::sleep(Duration::from_millis(300));

    avaliacao::send_signal(&mut child, "TERM");
    let sent = Instant::now();
    let status = avaliacao::wait_child(&mut child, PATIENCE);
    eprintln!("SIGTERM com a saída parada: saiu em {:?}", sent.elapsed());
    drop(stdout);
    let status = status.expect("o servidor não saiu com a saída padrão parada");
    assert!(status.success(), "{status:?}");
}

#[test]
fn cliente_que_nao_le_e_fechado_sem_rst_e_com_o_motivo_certo() {
    let server = Server::start("tcp-echo", &["--ocioso", "2"]);
    // Um buffer de recepção pequeno (antes do connect, para valer na janela
    // do TCP): a resposta do servidor enche logo, e o `write` dele para
    // mesmo que esta máquina esteja ocupada e o teste, lento.
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(16 * 1024).unwrap();
    socket
        .connect_timeout(&server.addr.into(), PATIENCE)
        .unwrap();
    let stream: TcpStream = socket.into();
    stream.set_nonblocking(true).unwrap();
    // Manda até o TCP frear (o servidor não consegue devolver: ninguém lê).
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0usize;
    let mut stalled_since: Option<Instant> = None;
    let started = Instant::now();
    while started.elapsed() < PATIENCE {
        match (&stream).write(&chunk) {
            Ok(n) => {
                sent += n;
                stalled_since = None;
            }
            Err(err) if err.kind() == ErrorKind::WouldBlock => {
                let since = *stalled_since.get_or_insert_with(Instant::now);
                if since.elapsed() > Duration::from_millis(300) {
                    break;
                }
                thread::sleep(Duration::from_millis(5));
            }
            Err(err) => panic!("erro ao escrever: {err}"),
        }
    }
    // Para de mandar (antes dos 2 s do servidor), e não lê: ele desiste.
    assert!(
        server.wait_for_log("o cliente não lê as respostas por mais de 2 s"),
        "{:?}",
        server.log()
    );
    assert!(!server.log().iter().any(|l| l.contains("parada por mais")));
    // O que o servidor já tinha mandado chega inteiro, e depois o FIN: um
    // fim normal (0 bytes), não "conexão reiniciada".
    stream.set_nonblocking(false).unwrap();
    let mut received = 0usize;
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        match (&stream).read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                assert!(buffer[..n].iter().all(|&b| b == b'A'));
                received += n;
            }
            Err(err) => panic!("depois de {received} bytes: {err} (RST?)"),
        }
    }
    eprintln!("mandou {sent} bytes, recebeu {received} de volta antes do FIN");
    assert!(received > 0 && received <= sent);
}

#[test]
fn cliente_ecoa_uma_linha_de_vinte_mib() {
    // Uma linha só, grande demais para caber nos buffers: o cliente tem de
    // ler as respostas enquanto ainda manda, senão os dois lados travam.
    let server = Server::start("tcp-echo", &[]);
    let port = server.port().to_string();
    const SIZE: usize = 20 * 1024 * 1024;
    let mut line = vec![b'a'; SIZE];
    line.push(b'\n');
    let output = avaliacao::run("tcp-echo", &["cliente", "--porta", &port], &line);
    assert!(output.status.success(), "{}", output.stderr);
    assert_eq!(output.stdout.len(), SIZE + 1);
    assert!(output.stdout[..SIZE].iter().all(|&b| b == b'A'));
    assert_eq!(output.stdout[SIZE], b'\n');
}

#[test]
fn cliente_mostra_as_respostas_sem_guardar_tudo_na_memoria() {
    // Um "servidor" que manda sem parar: o cliente mostra o que chega e não
    // junta tudo antes de mostrar.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let streamer = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let chunk = vec![b'z'; 1024 * 1024];
        // No máximo 4 GiB: o cliente é encerrado muito antes.
        for _ in 0..4096 {
            if stream.write_all(&chunk).is_err() {
                break;
            }
        }
    });
    let mut client = std::process::Command::new(avaliacao::binary("tcp-echo"))
        .args(["cliente", "--porta", &port, "oi"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = client.stdout.take().unwrap();
    let mut shown = 0usize;
    let mut buffer = vec![0u8; 1024 * 1024];
    while shown < 256 * 1024 * 1024 {
        let n = stdout.read(&mut buffer).unwrap();
        assert!(n > 0, "o cliente parou depois de {shown} bytes");
        shown += n;
    }
    let status = std::fs::read_to_string(format!("/proc/{}/status", client.id()));
    let _ = client.kill();
    let _ = client.wait();
    drop(stdout);
    streamer.join().unwrap();
    if let Ok(status) = status {
        let rss: u64 = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kib| kib.parse().ok())
            .unwrap_or(0);
        eprintln!("cliente: {shown} bytes mostrados, RSS de {rss} KiB");
        assert!(rss < 64 * 1024, "RSS de {rss} KiB depois de {shown} bytes");
    }
}

#[test]
fn cliente_desiste_de_um_servidor_que_nao_le() {
    // Um "servidor" que aceita e nunca lê: o envio para, e o cliente tem de
    // desistir com um erro claro, não ficar esperando a resposta para sempre.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let holder = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        // Segura a conexão aberta até o cliente terminar.
        let _ = finished.recv_timeout(PATIENCE);
        drop(stream);
    });
    let input = vec![b'a'; 32 * 1024 * 1024];
    let output = avaliacao::run(
        "tcp-echo",
        &["cliente", "--porta", &port, "--timeout", "1"],
        &input,
    );
    done.send(()).unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", output.stderr);
    // Quem percebe primeiro (o envio parado ou a resposta que não vem)
    // depende do relógio; os dois dizem a verdade.
    assert!(
        output.stderr.contains("tempo esgotado"),
        "{}",
        output.stderr
    );
    holder.join().unwrap();
}

#[test]
fn bench_sem_memoria_explica_antes_de_comecar() {
    // O caso do issue: valores que a linha de comando aceita, 2000 clientes
    // de 1 MiB, sob um `ulimit -v` de 1 GB.
    let port = avaliacao::free_port().to_string();
    let mut command = Command::new(binary("tcp-echo"));
    command.args([
        "bench",
        "--servidor",
        "127.0.0.1",
        "--porta",
        &port,
        "--modo",
        "uma-por-conexao",
        "--tamanho",
        "1048576",
        "--conexoes",
        "2000",
    ]);
    let limit = libc::rlimit {
        rlim_cur: 1_000_000_000,
        rlim_max: 1_000_000_000,
    };
    // SAFETY: entre o fork e o exec só chamamos setrlimit, que é seguro
    // nesse intervalo (async-signal-safe) e não aloca memória.
    unsafe {
        command.pre_exec(move || {
            if libc::setrlimit(libc::RLIMIT_AS, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    let output = avaliacao::run_command(command, b"");
    let stderr = &output.stderr;
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "erro: sem memória: 2000 conexões no modo uma-por-conexao pedem cerca de 8 500 MiB"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("memory allocation"), "{stderr}");
}
