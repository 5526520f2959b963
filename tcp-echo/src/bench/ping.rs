//! O modo `ping` do `tcp-echo bench`: cada conexão manda uma mensagem e
//! espera a resposta, de novo e de novo (com `--em-voo` > 1, mantém várias
//! a caminho). Mede respostas/s e o RTT.
//!
//! Cada mensagem é diferente da anterior (começa pelo seu número, escrito em
//! letras; veja `message.rs`): um servidor que responde duas vezes, ou
//! responde a mensagem errada, é pego na primeira resposta fora do lugar.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::bench::little;
use common::out;
use common::stats::{decimal, per_second};

use super::message::{numbered, unexpected};
use super::{Amount, Job, Tally, report};

/// O que o modo ping usa da linha de comando.
#[derive(Debug, Clone)]
pub struct Params {
    /// Tamanho de cada mensagem, em bytes.
    pub size: usize,
    /// Quantas mensagens cada conexão mantém em voo.
    pub in_flight: usize,
    /// Em quantos `write` cada mensagem é enviada: com 2 ou mais e o Nagle
    /// ligado no servidor, aparece a espera do ACK atrasado.
    pub parts: usize,
    /// Por quanto tempo, ou quantas mensagens por conexão.
    pub amount: Amount,
}

impl Params {
    // ANCHOR: ping
    pub(super) fn run(&self, job: &Job, tally: &mut Tally) -> io::Result<()> {
        // EXERCÍCIO 7: INÍCIO
        let mut stream = job.connect()?;
        tally.connections += 1;
        let mut reply = vec![0u8; self.size];
        let mut sent_at = VecDeque::with_capacity(self.in_flight);
        let mut sent = 0;
        loop {
            while sent_at.len() < self.in_flight && job.may_send(self.amount, sent) {
                let message = numbered(sent, self.size);
                let piece = message.len().div_ceil(self.parts).max(1);
                sent_at.push_back((sent, Instant::now()));
                for part in message.chunks(piece) {
                    stream.write_all(part)?;
                }
                sent += 1;
            }
            let Some((number, started)) = sent_at.pop_front() else {
                return Ok(());
            };
            stream.read_exact(&mut reply)?;
            let rtt = started.elapsed();
            let expected = common::transform::to_upper(&numbered(number, self.size));
            if reply == expected {
                tally.latencies.record(rtt);
                tally.answered += 1;
                job.progress.fetch_add(1, Ordering::Relaxed);
            } else {
                tally.wrong(|| unexpected(number, &reply, &expected));
            }
        }
        // EXERCÍCIO 7: FIM
    }
    // ANCHOR_END: ping

    /// A memória de cada conexão: a mensagem, a resposta, a resposta
    /// esperada e a próxima mensagem.
    pub(super) fn memory(&self) -> usize {
        4 * self.size
    }

    /// As linhas do resultado que só o ping tem: a vazão, o RTT e a conta
    /// de Little, que confere o relógio.
    pub(super) fn show(&self, connections: usize, total: &Tally, elapsed: Duration) {
        let rate = per_second(total.answered, elapsed);
        report::rate(rate);
        if total.latencies.is_empty() {
            return;
        }
        let rtt = report::latencies(total, "RTT");
        out!(
            "  respostas/s × RTT    {:>12}  (em voo: {})",
            decimal(little(rate, rtt.mean), 2),
            connections * self.in_flight
        );
    }
}
