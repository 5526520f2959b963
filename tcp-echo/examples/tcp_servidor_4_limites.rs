//! Passo 4 do servidor TCP: limites. No máximo tantas conexões ao mesmo
//! tempo, e uma conexão parada por tempo demais é fechada.
//!
//! No passo 3, cada cliente ganha uma thread, sem limite: mil clientes que
//! conectam e não mandam nada prendem mil threads para sempre. Aqui, acima
//! do limite, a conexão recebe um aviso e é fechada; e uma conexão que não
//! manda (ou não lê) nada por mais que o tempo-limite é fechada também.
//! Depois da porta e do endereço, o limite de conexões e o tempo-limite, em
//! segundos:
//!
//!     cargo run -p tcp-echo --example tcp_servidor_4_limites -- 12000 0.0.0.0 2 5

// ANCHOR: imports
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use common::transform::Uppercaser;
// ANCHOR_END: imports

// ANCHOR: refusal_time
/// Quanto tempo, no total, a recusa de um cliente pode levar: o bastante
/// para o aviso sair, pouco para um cliente lento não segurar o `accept`.
const REFUSAL_TIME: Duration = Duration::from_millis(200);
// ANCHOR_END: refusal_time

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let server_port: u16 = args.next().unwrap_or("12000".into()).parse()?;
    let address = args.next().unwrap_or("0.0.0.0".into());
    // ANCHOR: args
    let max_connections: usize = args.next().unwrap_or("1024".into()).parse()?;
    let idle_timeout = Duration::from_secs(args.next().unwrap_or("300".into()).parse()?);
    // ANCHOR_END: args
    let server_socket = TcpListener::bind((address.as_str(), server_port))?;
    let bound = server_socket.local_addr()?;
    println!("Servidor TCP pronto para receber em {bound}");
    // ANCHOR: active
    let active = Arc::new(AtomicUsize::new(0));
    // ANCHOR_END: active
    loop {
        let (connection_socket, client) = match server_socket.accept() {
            Ok(accepted) => accepted,
            Err(err) => {
                println!("aviso: o accept falhou: {}", common::error::describe(&err));
                continue;
            }
        };
        // ANCHOR: admit
        if !try_admit(&active, max_connections) {
            refuse(connection_socket, client, max_connections);
            continue;
        }
        let for_thread = Arc::clone(&active);
        let spawned = thread::Builder::new().spawn(move || {
            serve(connection_socket, client, idle_timeout);
            for_thread.fetch_sub(1, Ordering::SeqCst);
        });
        if let Err(err) = spawned {
            println!(
                "{client}: recusada, o sistema não criou a thread: {}",
                common::error::describe(&err)
            );
            active.fetch_sub(1, Ordering::SeqCst);
        }
        // ANCHOR_END: admit
    }
}

// ANCHOR: try_admit
/// Soma 1 às conexões ativas se ainda está abaixo de `max`, e diz se
/// conseguiu. Conferir e somar são um passo só (veja o livro).
fn try_admit(active: &AtomicUsize, max: usize) -> bool {
    // EXERCÍCIO 5: INÍCIO
    active
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n < max).then_some(n + 1)
        })
        .is_ok()
    // EXERCÍCIO 5: FIM
}
// ANCHOR_END: try_admit

// ANCHOR: refuse
/// Acima do limite, a conexão recebe um aviso e é fechada, em vez de ficar
/// esperando sem resposta.
fn refuse(mut stream: TcpStream, client: SocketAddr, max_connections: usize) {
    println!("{client}: recusada, o limite de conexões ({max_connections}) foi atingido");
    let _ = stream.set_write_timeout(Some(REFUSAL_TIME));
    let _ = writeln!(
        stream,
        "ERRO: servidor lotado (o limite é {max_connections}); tente de novo mais tarde."
    );
    common::tcp::close_gently(stream, REFUSAL_TIME);
}
// ANCHOR_END: refuse

// ANCHOR: serve
/// Atende uma conexão do começo ao fim, e diz como ela terminou.
fn serve(mut stream: TcpStream, client: SocketAddr, idle_timeout: Duration) {
    println!("{client}: conexão aberta");
    match echo(&mut stream, idle_timeout) {
        Ok(total) => println!("{client}: conexão encerrada pelo cliente ({total} bytes)"),
        Err(err) if is_timeout(&err) => {
            println!(
                "{client}: conexão fechada, parada por mais de {} s",
                idle_timeout.as_secs()
            );
            common::tcp::close_gently(stream, REFUSAL_TIME);
        }
        Err(err) => println!(
            "{client}: conexão interrompida: {}",
            common::error::describe(&err)
        ),
    }
}
// ANCHOR_END: serve

// ANCHOR: echo_signature
/// Lê o que chegar e devolve em maiúsculas, até o cliente fechar a conexão
/// ou ficar parado por mais de `idle_timeout`. Devolve quantos bytes recebeu.
fn echo(stream: &mut TcpStream, idle_timeout: Duration) -> io::Result<u64> {
    // ANCHOR_END: echo_signature
    // EXERCÍCIO 3: INÍCIO
    // ANCHOR: echo_setup
    common::tcp::configure_stream(stream, Some(idle_timeout))?;
    // ANCHOR_END: echo_setup
    let mut buffer = vec![0u8; 64 * 1024];
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
        total += received.len() as u64;
        reply.clear();
        upper.push(received, &mut reply);
        stream.write_all(&reply)?;
    }
    reply.clear();
    upper.finish(&mut reply);
    stream.write_all(&reply)?;
    Ok(total)
    // EXERCÍCIO 3: FIM
}

// ANCHOR: is_timeout
/// O tempo-limite esgotado chega como `WouldBlock` no Linux e como
/// `TimedOut` no Windows.
fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}
// ANCHOR_END: is_timeout
