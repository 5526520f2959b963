//! O modo `uma-por-conexao` do `tcp-echo bench`: cada cliente abre uma
//! conexão, manda uma mensagem, lê a resposta até o fim e fecha; de novo e de
//! novo. Mede conexões/s: o que pesa é o *handshake*, o fechamento e, no
//! servidor, arrumar quem atende cada conexão.

use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::stats::per_second;

use super::message::{numbered, unexpected};
use super::{Amount, Job, Tally, report};

/// O que o modo uma-por-conexao usa da linha de comando.
#[derive(Debug, Clone)]
pub struct Params {
    /// Tamanho de cada mensagem, em bytes.
    pub size: usize,
    /// Por quanto tempo, ou quantas conexões por cliente.
    pub amount: Amount,
}

impl Params {
    /// O trabalho de um cliente: uma conexão por mensagem.
    pub(super) fn run(&self, job: &Job, tally: &mut Tally) -> io::Result<()> {
        let mut sent = 0;
        while job.may_send(self.amount, sent) {
            let message = numbered(sent, self.size);
            let expected = common::transform::to_upper(&message);
            let started = Instant::now();
            let mut stream = job.connect()?;
            stream.write_all(&message)?;
            // Se o servidor já fechou, o `shutdown` falha com "não conectado",
            // que não explica nada; a leitura logo abaixo diz o que houve.
            let _ = stream.shutdown(Shutdown::Write);
            let mut reply = Vec::with_capacity(self.size);
            stream.read_to_end(&mut reply)?;
            let rtt = started.elapsed();
            tally.connections += 1;
            if reply == expected {
                tally.latencies.record(rtt);
                tally.answered += 1;
                job.progress.fetch_add(1, Ordering::Relaxed);
            } else {
                tally.wrong(|| unexpected(sent, &reply, &expected));
            }
            sent += 1;
        }
        Ok(())
    }

    /// A memória de cada cliente: a mensagem, a resposta, a resposta
    /// esperada e a próxima mensagem.
    pub(super) fn memory(&self) -> usize {
        4 * self.size
    }

    /// As linhas do resultado que só este modo tem.
    pub(super) fn show(&self, total: &Tally, elapsed: Duration) {
        report::rate(per_second(total.answered, elapsed));
        report::latencies(total, "RTT");
    }
}
