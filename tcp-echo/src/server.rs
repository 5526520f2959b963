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
//! não só o primeiro `recv`. Quantas threads existem, e quando uma é criada
//! ou termina, está em `threads.rs`.

// ANCHOR: imports
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::error::is_timeout;
use common::log::OncePerSecond;
use common::transform::Uppercaser;
use common::{Error, log, log_limited};

use crate::threads::{IDLE_THREAD_TIMEOUT, Pool, SPARE_THREADS, Seat, THREAD_MEMORY};
// ANCHOR_END: imports

// ANCHOR: config
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
// ANCHOR_END: config

// ANCHOR: shared
/// O que as threads do servidor compartilham.
struct Shared {
    listener: TcpListener,
    max_connections: usize,
    idle_timeout: Duration,
    /// Quantas conexões estão sendo atendidas agora.
    active: AtomicUsize,
    /// Quantas threads existem, e a regra para criar e terminar threads.
    pool: Pool,
    /// O aviso de erro no `accept`, no máximo um por segundo.
    accept_failed: OncePerSecond,
    /// Quem atende cada conexão: [`serve`]. Os testes põem no lugar um que
    /// entra em pânico, como o `todo!()` do exercício 3 no kit.
    serve: fn(TcpStream, SocketAddr, Duration),
}
// ANCHOR_END: shared

// ANCHOR: constants
/// Quanto tempo, no total, um cliente recusado (acima de `--max-conexoes`)
/// pode ocupar uma thread: o bastante para o aviso sair e o cliente fechar
/// do lado dele, pouco para uma fila de recusados não travar o servidor.
pub const REFUSAL_TIME: Duration = Duration::from_millis(200);

/// A pausa de uma thread depois de um erro no `accept`. O erro mais comum
/// em aula é a falta de descritores (`ulimit -n`): a conexão continua na
/// fila, e tentar de novo na hora daria o mesmo erro, milhares de vezes por
/// segundo. Uma pausa curta dá tempo para conexões terminarem.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);
// ANCHOR_END: constants

// ANCHOR: run_start
/// Cria o socket de escuta e aceita conexões para sempre (até o Ctrl+C).
pub fn run(config: &Config) -> Result<(), Error> {
    // ANCHOR_END: run_start
    // ANCHOR: single_heap
    // Sob um `ulimit -v`, um heap só para todas as threads, antes que elas
    // existam: sem isto, cada uma poderia reservar 64 MiB só para o seu
    // `malloc` (veja `fit_in_memory`).
    if common::memory::address_space_left().is_some() {
        common::memory::single_malloc_arena();
    }
    // ANCHOR_END: single_heap
    // ANCHOR: listen
    let address = common::address::resolve_one(&config.address, config.port)?;
    let listener = common::tcp::listen(address, config.backlog)?;
    // ANCHOR_END: listen
    // ANCHOR: ctrl_c
    common::shutdown::on_ctrl_c("servidor TCP");
    // ANCHOR_END: ctrl_c
    // ANCHOR: ready
    let bound = listener
        .local_addr()
        .map_err(|e| Error::io("não foi possível saber a porta", &e))?;
    log!("Servidor TCP pronto para receber em {bound}");
    // ANCHOR_END: ready
    // ANCHOR: memory_cap
    let max_connections = fit_in_memory(config.max_connections);
    if max_connections < config.max_connections {
        log!(
            "aviso: o `ulimit -v` deste terminal só deixa memória para {max_connections} \
             conexões ao mesmo tempo (cada uma reserva cerca de {} KiB); as outras serão \
             recusadas como as acima de --max-conexoes.",
            CONNECTION_MEMORY / 1024
        );
    }
    // ANCHOR_END: memory_cap
    // ANCHOR: accept_timeout_setup
    // Sem isto, uma thread a mais não teria como perceber que está à toa.
    if let Err(err) = common::tcp::set_accept_timeout(&listener, IDLE_THREAD_TIMEOUT) {
        log!(
            "aviso: threads livres a mais não vão terminar sozinhas ({})",
            common::error::describe(&err)
        );
    }
    // ANCHOR_END: accept_timeout_setup
    // ANCHOR: start
    let shared = Arc::new(Shared {
        listener,
        max_connections,
        idle_timeout: config.idle_timeout,
        active: AtomicUsize::new(0),
        pool: Pool::new(),
        accept_failed: OncePerSecond::new(),
        serve,
    });
    // As threads livres já esperam a primeira conexão; a thread principal
    // também faz o laço, e nunca termina.
    spawn_spares(&shared);
    accept_loop(&shared, false);
    Ok(())
    // ANCHOR_END: start
}

// ANCHOR: accept_loop
/// O laço das notas, feito por várias threads ao mesmo tempo: cada uma espera
/// uma conexão (`accept`), atende-a do começo ao fim e volta a esperar.
fn accept_loop(shared: &Arc<Shared>, may_retire: bool) {
    // A vaga desta thread na contagem volta sozinha se a thread morrer.
    let _seat = Seat::new(&shared.pool);
    loop {
        let accepted = shared.listener.accept();
        match accepted {
            Ok((stream, client)) => handle(stream, client, shared),
            // ANCHOR: retire
            // Ninguém conectou por IDLE_THREAD_TIMEOUT: se há threads livres
            // demais, esta termina.
            Err(err) if is_timeout(&err) => {
                if may_retire && shared.pool.retire(shared.active.load(Ordering::SeqCst)) {
                    return;
                }
            }
            // ANCHOR_END: retire
            Err(err) => after_accept_error(&err, shared),
        }
    }
}
// ANCHOR_END: accept_loop

// ANCHOR: spawn
/// Mantém SPARE_THREADS threads livres além das ocupadas: cria as que
/// faltam, cada uma fazendo o laço do `accept`. Numa rajada de conexões,
/// cada conexão atendida cria (no máximo) uma thread nova.
fn spawn_spares(shared: &Arc<Shared>) {
    while shared.pool.reserve(shared.active.load(Ordering::SeqCst)) {
        let for_thread = Arc::clone(shared);
        if !shared.pool.spawn(move || accept_loop(&for_thread, true)) {
            break;
        }
    }
}
// ANCHOR_END: spawn

// ANCHOR: limit
/// Atende a conexão, se ainda cabe uma; senão, recusa com um aviso.
fn handle(stream: TcpStream, client: SocketAddr, shared: &Arc<Shared>) {
    let Some(_slot) = Slot::take(&shared.active, shared.max_connections) else {
        refuse(stream, client, shared.max_connections);
        return;
    };
    // Esta thread vai ficar ocupada: outra toma o lugar dela no `accept`.
    spawn_spares(shared);
    // Um pânico em `serve` (um `todo!()` ainda não feito, um bug) encerra só
    // esta conexão: sem o `catch_unwind`, ele mataria a thread, e na thread
    // principal, o servidor inteiro.
    let served = panic::catch_unwind(AssertUnwindSafe(|| {
        (shared.serve)(stream, client, shared.idle_timeout);
    }));
    if served.is_err() {
        log_limited!("{client}: o atendimento falhou (o pânico está acima); o servidor segue");
    }
    // Aqui `_slot` é destruído, e a vaga volta: nenhum caminho a esquece.
}
// ANCHOR_END: limit

// ANCHOR: slot
/// Uma vaga entre as `--max-conexoes`, enquanto a conexão é atendida. Quando
/// é destruída (no fim de `handle`, num `return` ou no meio de um pânico), a
/// vaga volta: é o Rust que chama o `drop`, ninguém precisa lembrar.
struct Slot<'a> {
    active: &'a AtomicUsize,
}

impl<'a> Slot<'a> {
    /// Ocupa uma vaga, se ainda há (veja [`try_admit`]). O `Slot` só nasce
    /// com a vaga ocupada: com `then_some(Slot { .. })`, ele nasceria antes
    /// da conta e, destruído na recusa, devolveria uma vaga que não tomou.
    fn take(active: &'a AtomicUsize, max: usize) -> Option<Slot<'a>> {
        try_admit(active, max).then(|| Slot { active })
    }
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.active.fetch_sub(1, Ordering::SeqCst);
    }
}
// ANCHOR_END: slot

// ANCHOR: try_admit_signature
/// Soma 1 às conexões ativas (`active`) se ainda está abaixo de `max`, e diz
/// se conseguiu. Várias threads chamam isto ao mesmo tempo: a conta e a soma
/// têm de ser um passo só, senão duas threads passam juntas pela última vaga.
pub fn try_admit(active: &AtomicUsize, max: usize) -> bool {
    // ANCHOR_END: try_admit_signature
    // EXERCÍCIO 5: INÍCIO
    active
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n < max).then_some(n + 1)
        })
        .is_ok()
    // EXERCÍCIO 5: FIM
}

// ANCHOR: serve
/// Atende uma conexão do começo ao fim, e registra como ela terminou.
fn serve(mut stream: TcpStream, client: SocketAddr, idle_timeout: Duration) {
    log_limited!("{client}: conexão aberta");
    match echo(&mut stream, client, idle_timeout) {
        Ok(total) => log_limited!("{client}: conexão encerrada pelo cliente ({total} bytes)"),
        Err(err) if is_timeout(&err) => {
            // ANCHOR: idle
            // Quem parou? Se sobrou resposta na fila de envio, o cliente
            // parou de ler; senão, parou de mandar.
            let reason = match common::tcp::unsent_bytes(&stream) {
                Some(1..) => "o cliente não lê as respostas",
                _ => "parada",
            };
            log_limited!(
                "{client}: conexão fechada, {reason} por mais de {}",
                seconds(idle_timeout)
            );
            // Fecha sem RST, gastando no máximo o tempo de uma recusa.
            common::tcp::close_gently(stream, REFUSAL_TIME);
            // ANCHOR_END: idle
        }
        Err(err) if err.kind() == io::ErrorKind::OutOfMemory => out_of_memory(stream, client),
        Err(err) => log_limited!(
            "{client}: conexão interrompida: {}",
            common::error::describe(&err)
        ),
    }
    // Ao sair daqui, `stream` é destruído e o socket fechado: o `close()` das notas.
}
// ANCHOR_END: serve

// ANCHOR: echo_signature
/// Lê o que chegar, devolve em maiúsculas, até o cliente fechar a conexão
/// (um `read` que devolve 0 bytes). Devolve quantos bytes recebeu.
pub fn echo(stream: &mut TcpStream, client: SocketAddr, idle_timeout: Duration) -> io::Result<u64> {
    // ANCHOR_END: echo_signature
    // EXERCÍCIO 3: INÍCIO
    common::tcp::configure_stream(stream, Some(idle_timeout))?;
    // ANCHOR: echo_buffer
    // Sem memória, um erro (e não o fim do servidor): veja `common::memory`.
    let mut buffer = common::memory::buffer(65_536)?; // 64 KiB
    // ANCHOR_END: echo_buffer
    let mut upper = Uppercaser::new();
    let mut reply = Vec::new();
    let mut total = 0;
    loop {
        let received = match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => &buffer[..n],
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        // ANCHOR: log_read
        log_limited!(
            "{client}: {} bytes {}",
            received.len(),
            common::log::preview(received, 60)
        );
        // ANCHOR_END: log_read
        total += received.len() as u64;
        reply.clear();
        // ANCHOR: reserve_reply
        // Pedir antes, com `try_reserve`, o máximo que a resposta pode ter faz
        // a falta de memória virar erro aqui, e não um aborto no meio do `push`.
        reply
            .try_reserve(Uppercaser::max_output(received.len()))
            .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
        // ANCHOR_END: reserve_reply
        upper.push(received, &mut reply);
        stream.write_all(&reply)?;
    }
    reply.clear();
    upper.finish(&mut reply);
    stream.write_all(&reply)?;
    Ok(total)
    // EXERCÍCIO 3: FIM
}

// ANCHOR: refuse
/// Acima do limite, a conexão recebe um aviso e é fechada, em vez de ficar
/// esperando sem resposta. Tudo isso custa no máximo REFUSAL_TIME.
fn refuse(mut stream: TcpStream, client: SocketAddr, max_connections: usize) {
    log_limited!("{client}: recusada, o limite de conexões ({max_connections}) foi atingido");
    let started = Instant::now();
    let _ = common::tcp::configure_stream(&stream, Some(REFUSAL_TIME));
    let _ = writeln!(
        stream,
        "ERRO: servidor lotado (o limite é {max_connections}); tente de novo mais tarde."
    );
    common::tcp::close_gently(stream, REFUSAL_TIME.saturating_sub(started.elapsed()));
}
// ANCHOR_END: refuse

// ANCHOR: out_of_memory
/// Quanta memória cada conexão reserva: a pilha da thread que a atende
/// (`THREAD_MEMORY`) e os buffers do `echo`: 64 KiB para ler, e até o triplo
/// disso para a resposta (`ΐ` vira `Ϊ́`, com o triplo dos bytes).
pub const CONNECTION_MEMORY: usize = THREAD_MEMORY + 4 * 65_536;

/// Quantas conexões atender ao mesmo tempo: `--max-conexoes`, ou menos, se
/// tantas não cabem no `ulimit -v` (sem ele, o normal, cabem). O limite
/// conta a memória *reservada*, e passar dele aborta o programa inteiro:
/// por isso a conta é feita uma vez, no começo. O que ainda cabe, menos a
/// folga de `common::memory` e as threads livres (e mais uma), dividido pelo
/// que cada conexão reserva. Quem passar disso recebe a recusa de sempre,
/// "servidor lotado".
fn fit_in_memory(max_connections: usize) -> usize {
    let Some(left) = common::memory::address_space_left() else {
        return max_connections;
    };
    let reserved = common::memory::HEADROOM + (SPARE_THREADS + 1) * THREAD_MEMORY;
    let fit = left.saturating_sub(reserved) / CONNECTION_MEMORY;
    // Com menos que isso, a thread principal ainda atende uma por vez.
    fit.clamp(1, max_connections.max(1))
}

/// Faltou memória para atender (um `ulimit -v`, uma máquina cheia): a conexão
/// recebe um aviso e é fechada, como numa recusa, e o servidor segue com as
/// outras. O aviso no log sai no máximo uma vez por segundo.
fn out_of_memory(mut stream: TcpStream, client: SocketAddr) {
    static WARNING: OncePerSecond = OncePerSecond::new();
    if let Some(silenced) = WARNING.due() {
        let repeated = match silenced {
            0 => String::new(),
            n => format!(" (mais {n} vezes desde o último aviso)"),
        };
        log!(
            "aviso: sem memória para atender {client}{repeated}; a conexão foi recusada \
             e as outras seguem atendidas. Para atender mais ao mesmo tempo, dê mais \
             memória ao servidor (`ulimit -v`) ou diminua --max-conexoes."
        );
    }
    let started = Instant::now();
    let _ = common::tcp::configure_stream(&stream, Some(REFUSAL_TIME));
    let _ = writeln!(
        stream,
        "ERRO: servidor sem memória; tente de novo mais tarde."
    );
    common::tcp::close_gently(stream, REFUSAL_TIME.saturating_sub(started.elapsed()));
}
// ANCHOR_END: out_of_memory

// ANCHOR: accept_error
/// Um erro no `accept` não para o servidor, nem cria threads: as conexões
/// abertas continuam sendo atendidas, e a thread faz uma pausa antes de
/// tentar de novo. O aviso aparece no máximo uma vez por segundo.
fn after_accept_error(err: &io::Error, shared: &Shared) {
    // Um cliente que desistiu antes do `accept`: nada a fazer.
    if err.kind() == io::ErrorKind::ConnectionAborted {
        return;
    }
    if let Some(silenced) = shared.accept_failed.due() {
        let repeated = match silenced {
            0 => String::new(),
            n => format!(" (mais {n} vezes desde o último aviso)"),
        };
        log!(
            "aviso: o accept falhou{repeated}: {}. As {} conexões abertas seguem atendidas; \
             as novas esperam na fila do listen até sobrar recurso. Para atender mais ao mesmo \
             tempo, aumente o limite de arquivos abertos (`ulimit -n 4096` antes de iniciar o \
             servidor) ou diminua --max-conexoes (hoje {}).",
            common::error::describe(err),
            shared.active.load(Ordering::SeqCst),
            shared.max_connections,
        );
    }
    thread::sleep(ACCEPT_ERROR_PAUSE);
}
// ANCHOR_END: accept_error

// ANCHOR: helpers
fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}
// ANCHOR_END: helpers
// ANCHOR_END: whole_file

// ANCHOR: tests
#[cfg(test)]
mod tests;
// ANCHOR_END: tests
