//! O modo `conexoes` do `tcp-echo bench`: abre `--conexoes` conexões de uma
//! vez, cada uma manda uma linha; mede quanto tempo até todas terem
//! resposta; segura todas abertas por `--espera` e confere que ainda
//! respondem a uma segunda linha. Mostra o *backlog* do `listen` trabalhando.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant};

use common::out;
use common::stats::thousands;

use super::{Job, Tally, report};

/// A memória de cada conexão, além da pilha da thread: as duas linhas.
pub(super) const MEMORY: usize = 1024;

/// O que o modo conexoes usa da linha de comando.
#[derive(Debug, Clone)]
pub struct Params {
    /// Quanto tempo segurar as conexões abertas antes da segunda linha.
    pub hold: Duration,
}

impl Params {
    /// O trabalho de uma conexão: a primeira linha junto com todas as
    /// outras conexões, a espera, a segunda linha.
    pub(super) fn run(&self, job: &Job, tally: &mut Tally) -> io::Result<()> {
        // Todas as threads começam juntas, para as conexões chegarem de uma vez.
        job.barrier.wait();
        let released = Instant::now();
        let first = connect_and_ask(job, b"primeira linha\n");
        let answered_at = Instant::now();
        // Ninguém segue antes de todas terem tentado: as conexões ficam abertas juntas.
        job.barrier.wait();
        let mut stream = match first {
            Ok((stream, Ok(()))) => {
                tally.latencies.record(answered_at - released);
                tally.window = Some((released, answered_at));
                tally.connections += 1;
                tally.answered += 1;
                job.progress.fetch_add(1, Ordering::Relaxed);
                stream
            }
            Ok((_, Err(reply))) => {
                tally.wrong(|| format!("à primeira linha veio {reply}"));
                return Ok(());
            }
            Err(err) => return Err(err),
        };
        // Segura as conexões; o Ctrl+C encurta a espera.
        let until = Instant::now() + self.hold;
        while Instant::now() < until && !common::shutdown::interrupted() {
            thread::sleep(
                until
                    .saturating_duration_since(Instant::now())
                    .min(Duration::from_millis(50)),
            );
        }
        match ask(&mut stream, b"segunda linha\n")? {
            Ok(()) => tally.second_answered += 1,
            Err(reply) => tally.wrong(|| format!("à segunda linha veio {reply}")),
        }
        Ok(())
    }

    /// As linhas do resultado que só este modo tem: quanto levou a última
    /// resposta, e quantas ainda responderam depois da espera.
    pub(super) fn show(&self, total: &Tally) {
        out!(
            "  todas respondidas em {:>12} µs",
            thousands(total.window_us())
        );
        out!(
            "  2ª linha respondida  {:>12}",
            thousands(total.second_answered)
        );
        report::latencies(total, "até responder");
    }
}

/// Conecta e manda a primeira linha.
fn connect_and_ask(job: &Job, line: &[u8]) -> io::Result<(TcpStream, Result<(), String>)> {
    let mut stream = job.connect()?;
    let ok = ask(&mut stream, line)?;
    Ok((stream, ok))
}

/// Manda uma linha e confere a resposta; se veio errada, diz o que veio.
fn ask(stream: &mut TcpStream, line: &[u8]) -> io::Result<Result<(), String>> {
    stream.write_all(line)?;
    let mut reply = vec![0u8; line.len()];
    stream.read_exact(&mut reply)?;
    if reply == common::transform::to_upper(line) {
        Ok(Ok(()))
    } else {
        Ok(Err(common::log::preview(&reply, 40)))
    }
}
