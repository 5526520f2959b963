//! O modo `fluxo` do `tcp-echo bench`: cada conexão envia um volume grande
//! (`--mib`) enquanto lê o eco, conferido byte a byte. Mede MiB/s. Com uma
//! conexão só, pode gravar o `TCP_INFO` e ler devagar (veja `observe.rs`).

use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use common::bench::THREAD_STACK;
use common::out;
use common::stats::{decimal, per_second, thousands};

use super::message::pattern;
use super::{Job, Tally, report};
use crate::observe::Observe;

/// De quantos em quantos bytes o bench escreve e lê: 64 KiB, o bastante
/// para cada `write` e `read` valer a chamada ao sistema.
const CHUNK: usize = 64 * 1024;

/// A memória de cada conexão: a thread que envia, e os pedaços dos dois
/// lados (o que envia e o que lê, e o que cada um espera). Os pedaços têm 26
/// bytes a mais para começar por qualquer letra.
pub(super) const MEMORY: usize = THREAD_STACK + 4 * (CHUNK + 26);

/// O que o modo fluxo usa da linha de comando.
#[derive(Debug, Clone)]
pub struct Params {
    /// Quantos MiB cada conexão envia.
    pub mebibytes: u64,
    /// O `TCP_INFO` gravado e o leitor lento (veja `observe.rs`).
    pub observe: Observe,
}

impl Params {
    /// Quantos bytes cada conexão envia.
    pub(super) fn bytes(&self) -> u64 {
        self.mebibytes * 1024 * 1024
    }

    /// O trabalho de uma conexão: envia numa thread, lê e confere nesta.
    pub(super) fn run(&self, job: &Job, tally: &mut Tally) -> io::Result<()> {
        let mut stream = job.connect()?;
        tally.connections += 1;
        let mut writer = stream.try_clone()?;
        let total = self.bytes();
        let written = Arc::new(AtomicU64::new(0));
        let recording = self.observe.start(&writer, &written)?;
        // Escreve numa thread e lê nesta: se uma só thread escrevesse tudo
        // antes de ler, os buffers dos dois lados encheriam e tudo pararia.
        // Devolve quantos bytes enviou: menos que `total` se o Ctrl+C parou o envio.
        let sender =
            thread::Builder::new()
                .stack_size(THREAD_STACK)
                .spawn(move || -> io::Result<u64> {
                    let chunk = pattern(0, CHUNK + 26);
                    let mut offset = 0u64;
                    while offset < total && !common::shutdown::interrupted() {
                        let start = (offset % 26) as usize;
                        let len = (total - offset).min(CHUNK as u64) as usize;
                        writer.write_all(&chunk[start..start + len])?;
                        offset += len as u64;
                        written.store(offset, Ordering::Relaxed);
                    }
                    writer.shutdown(Shutdown::Write)?;
                    Ok(offset)
                })?;
        let expected = pattern(0, CHUNK + 26).to_ascii_uppercase();
        let mut buffer = vec![0u8; CHUNK];
        let mut received = 0u64;
        let (reading_since, mut paused) = (Instant::now(), false);
        loop {
            self.observe.pace(reading_since, received, &mut paused);
            let n = match stream.read(&mut buffer) {
                // O Ctrl+C interrompe o `read`; o envio para sozinho, e a
                // leitura segue até o eco do que já foi enviado.
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                other => other?,
            };
            if n == 0 {
                break;
            }
            let start = (received % 26) as usize;
            if received + n as u64 > total {
                tally.wrong(|| format!("o servidor devolveu mais bytes que os {total} enviados"));
                break;
            }
            if buffer[..n] != expected[start..start + n] && tally.wrong == 0 {
                tally.wrong(|| {
                    format!(
                        "a partir do byte {received}, veio {}",
                        common::log::preview(&buffer[..n], 40)
                    )
                });
            }
            received += n as u64;
            job.progress.fetch_add(n as u64, Ordering::Relaxed);
        }
        let sent = sender
            .join()
            .map_err(|_| io::Error::other("thread de envio"))??;
        if let Some(recording) = recording {
            recording.finish()?;
        }
        tally.bytes += received;
        if received == sent && tally.wrong == 0 {
            tally.answered += 1;
        } else if received < sent {
            tally
                .wrong(|| format!("o servidor fechou depois de ecoar {received} dos {sent} bytes"));
        }
        Ok(())
    }

    /// As linhas do resultado que só o fluxo tem: quanto foi ecoado, e a que
    /// velocidade.
    pub(super) fn show(&self, total: &Tally, elapsed: Duration) {
        let mib_per_s = per_second(total.bytes, elapsed) / (1024.0 * 1024.0);
        out!(
            "  MiB ecoados          {:>12}",
            thousands(total.bytes >> 20)
        );
        out!("  MiB/s                {:>12}", decimal(mib_per_s, 1));
        report::latencies(total, "RTT");
    }
}
