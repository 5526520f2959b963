// ANCHOR: whole_file
//! O servidor TCP: o `TCP SERVER` das notas.
//!
//! ```python
//! serverSocket = socket(AF_INET, SOCK_STREAM)
//! serverSocket.bind(('', serverPort))
//! serverSocket.listen(1)
//! while 1:
//!     connectionSocket, addr = serverSocket.accept()
//!     sentence = connectionSocket.recv(1024)
//!     connectionSocket.send(sentence.upper())
//!     connectionSocket.close()
//! ```
//!
//! Duas diferenças de propósito: várias threads fazem esse laço ao mesmo
//! tempo, cada uma atendendo uma conexão (as notas atendem uma de cada vez), e
//! o servidor devolve **tudo** o que a conexão enviar até o cliente fechar,
//! não só o primeiro `recv`.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use common::transform::Uppercaser;
use common::{Error, log, log_limited};

/// O que o servidor precisa saber, vindo da linha de comando.
#[derive(Debug)]
pub struct Config {
    /// Endereço IP (ou nome) local onde escutar.
    pub address: String,
    /// Porta onde escutar; 0 pede uma porta livre ao sistema.
    pub port: u16,
    /// Quantas conexões atender ao mesmo tempo.
    pub max_connections: usize,
    /// Depois de quanto tempo parada uma conexão é fechada.
    pub idle_timeout: Duration,
    /// O tamanho da fila do `listen`.
    pub backlog: i32,
}

/// O que as threads do servidor compartilham.
struct Shared {
    listener: TcpListener,
    max_connections: usize,
    idle_timeout: Duration,
    /// Quantas threads estão paradas no `accept`, prontas para a próxima conexão.
    waiting: AtomicUsize,
    /// Quantas conexões estão sendo atendidas agora.
    active: AtomicUsize,
}

/// Quantas threads, no mínimo, ficam esperando no `accept`: quando uma
/// conexão chega, já há uma thread pronta para ela, e criar uma thread (o
/// que custa caro) fica para depois.
const SPARE_THREADS: usize = 4;

/// Quantas, no máximo: uma thread que termina uma conexão e encontra mais que
/// isso esperando termina também.
const MAX_SPARE_THREADS: usize = 16;

/// Cria o socket de escuta e aceita conexões para sempre (até o Ctrl+C).
pub fn run(config: &Config) -> Result<(), Error> {
    // ANCHOR: listen
    let address = common::address::resolve_one(&config.address, config.port)?;
    let listener = common::tcp::listen(address, config.backlog)?;
    // ANCHOR_END: listen
    common::shutdown::on_ctrl_c("servidor TCP");
    // ANCHOR: ready
    let bound = listener
        .local_addr()
        .map_err(|e| Error::io("não foi possível saber a porta", &e))?;
    log!("Servidor TCP pronto para receber em {bound}");
    // ANCHOR_END: ready
    let shared = Arc::new(Shared {
        listener,
        max_connections: config.max_connections,
        idle_timeout: config.idle_timeout,
        waiting: AtomicUsize::new(0),
        active: AtomicUsize::new(0),
    });
    // A thread principal também faz o laço, e nunca termina.
    accept_loop(&shared, false);
    Ok(())
}

// ANCHOR: accept_loop
/// O laço das notas, feito por várias threads ao mesmo tempo: cada uma espera
/// uma conexão (`accept`), atende-a do começo ao fim e volta a esperar.
fn accept_loop(shared: &Arc<Shared>, may_retire: bool) {
    loop {
        // ANCHOR: accept
        shared.waiting.fetch_add(1, Ordering::SeqCst);
        let accepted = shared.listener.accept();
        let still_waiting = shared.waiting.fetch_sub(1, Ordering::SeqCst) - 1;
        // ANCHOR_END: accept
        // ANCHOR: spawn
        // Esta thread vai ficar ocupada: se sobraram poucas esperando, cria
        // as que faltam (numa rajada de conexões, cada nova cria outras).
        for _ in still_waiting..SPARE_THREADS {
            spawn_waiting_thread(shared);
        }
        // ANCHOR_END: spawn
        match accepted {
            Ok((stream, client)) => handle(stream, client, shared),
            Err(err) => log_accept_error(&err),
        }
        // ANCHOR: retire
        if may_retire && shared.waiting.load(Ordering::SeqCst) >= MAX_SPARE_THREADS {
            return;
        }
        // ANCHOR_END: retire
    }
}
// ANCHOR_END: accept_loop

/// Cria mais uma thread que faz o laço do `accept`.
fn spawn_waiting_thread(shared: &Arc<Shared>) {
    let shared = Arc::clone(shared);
    let spawned = thread::Builder::new()
        .name("conexoes".into())
        .spawn(move || accept_loop(&shared, true));
    if let Err(err) = spawned {
        // Sem thread nova, o servidor continua: as que existem voltam ao
        // `accept` quando terminam as conexões delas.
        log!("aviso: não foi possível criar uma thread ({err})");
    }
}

// ANCHOR: limit
/// Atende a conexão, se ainda cabe uma; senão, recusa com um aviso.
fn handle(stream: TcpStream, client: SocketAddr, shared: &Shared) {
    if !try_admit(&shared.active, shared.max_connections) {
        refuse(stream, client, shared.max_connections);
        return;
    }
    serve(stream, client, shared.idle_timeout);
    shared.active.fetch_sub(1, Ordering::SeqCst);
}
// ANCHOR_END: limit

// ANCHOR: try_admit
/// Soma 1 às conexões ativas (`active`) se ainda está abaixo de `max`, e diz
/// se conseguiu. Várias threads chamam isto ao mesmo tempo: a conta e a soma
/// têm de ser um passo só, senão duas threads passam juntas pela última vaga.
pub fn try_admit(active: &AtomicUsize, max: usize) -> bool {
    // EXERCÍCIO 5: INÍCIO
    active
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n < max).then_some(n + 1)
        })
        .is_ok()
    // EXERCÍCIO 5: FIM
}
// ANCHOR_END: try_admit

// ANCHOR: serve
/// Atende uma conexão do começo ao fim, e registra como ela terminou.
fn serve(mut stream: TcpStream, client: SocketAddr, idle_timeout: Duration) {
    log_limited!("{client}: conexão aberta");
    match echo(&mut stream, client, idle_timeout) {
        Ok(total) => log_limited!("{client}: conexão encerrada pelo cliente ({total} bytes)"),
        Err(err) if is_timeout(&err) => log_limited!(
            "{client}: conexão fechada, parada por mais de {}",
            seconds(idle_timeout)
        ),
        Err(err) => log_limited!(
            "{client}: conexão interrompida: {}",
            common::error::describe(&err)
        ),
    }
    // Ao sair daqui, `stream` é destruído e o socket fechado: o `close()` das notas.
}
// ANCHOR_END: serve

// ANCHOR: echo
/// Lê o que chegar, devolve em maiúsculas, até o cliente fechar a conexão
/// (um `read` que devolve 0 bytes). Devolve quantos bytes recebeu.
pub fn echo(stream: &mut TcpStream, client: SocketAddr, idle_timeout: Duration) -> io::Result<u64> {
    // EXERCÍCIO 3: INÍCIO
    // ANCHOR: echo_setup
    common::tcp::configure_stream(stream, Some(idle_timeout))?;
    let mut buffer = vec![0u8; 64 * 1024];
    let mut upper = Uppercaser::new();
    let mut reply = Vec::new();
    let mut total = 0;
    // ANCHOR_END: echo_setup
    loop {
        // ANCHOR: read
        let received = match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => &buffer[..n],
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        // ANCHOR_END: read
        log_limited!(
            "{client}: {} bytes {}",
            received.len(),
            common::log::preview(received, 60)
        );
        total += received.len() as u64;
        // ANCHOR: write
        reply.clear();
        upper.push(received, &mut reply);
        stream.write_all(&reply)?;
        // ANCHOR_END: write
    }
    // ANCHOR: finish
    reply.clear();
    upper.finish(&mut reply);
    stream.write_all(&reply)?;
    // ANCHOR_END: finish
    Ok(total)
    // EXERCÍCIO 3: FIM
}
// ANCHOR_END: echo

// ANCHOR: refuse
/// Acima do limite, a conexão recebe um aviso e é fechada, em vez de ficar
/// esperando sem resposta.
fn refuse(mut stream: TcpStream, client: SocketAddr, max_connections: usize) {
    log_limited!("{client}: recusada, o limite de conexões ({max_connections}) foi atingido");
    let _ = common::tcp::configure_stream(&stream, Some(Duration::from_millis(200)));
    let _ = writeln!(
        stream,
        "ERRO: servidor lotado (o limite é {max_connections}); tente de novo mais tarde."
    );
    // Fechar um socket com bytes ainda não lidos faz o sistema mandar RST em
    // vez de FIN, e o cliente veria "conexão reiniciada" em vez do aviso.
    // Por isso: avisa que terminou de enviar (FIN) e lê, jogando fora, o que
    // o cliente mandou, até ele fechar ou passar o tempo-limite de 200 ms.
    let _ = stream.shutdown(Shutdown::Write);
    let mut discard = [0u8; 4096];
    while let Ok(1..) = stream.read(&mut discard) {}
}
// ANCHOR_END: refuse

/// Um erro no `accept` não para o servidor. O mais comum em aula é
/// "too many open files": cada conexão é um arquivo aberto, e o sistema limita
/// quantos um processo pode ter (`ulimit -n`). Uma pausa curta dá tempo para
/// conexões terminarem, em vez de repetir o erro sem parar.
fn log_accept_error(err: &io::Error) {
    log!(
        "erro no accept (ignorado): {}",
        common::error::describe(err)
    );
    if err.kind() != io::ErrorKind::ConnectionAborted {
        thread::sleep(Duration::from_millis(100));
    }
}

fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}
// ANCHOR_END: whole_file
