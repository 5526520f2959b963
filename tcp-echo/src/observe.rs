//! O que o `bench --modo fluxo` pode mostrar além dos MiB/s: o controle de
//! congestionamento e o controle de fluxo acontecendo.
//!
//! - `--tcp-info ARQUIVO.csv`: grava, a cada [`SAMPLE_INTERVAL`], o que o
//!   kernel sabe da conexão que envia (janela de congestionamento, RTT,
//!   retransmissões, janela anunciada pelo servidor), com
//!   [`common::tcp_info::Sampler`].
//! - `--pausa-leitura SEG` e `--leitura-lenta KIB`: o lado do bench que lê o
//!   eco para de ler por um tempo, ou lê devagar. O servidor de eco não
//!   consegue devolver, para de ler também, e a janela que ele anuncia ao
//!   bench se fecha: o `write` do bench fica parado. É o controle de fluxo.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::thread;
use std::time::{Duration, Instant};

use common::Error;
use common::tcp_info::{Sampler, write_csv};

/// De quanto em quanto tempo ler o `TCP_INFO`. Na loopback, um RTT leva
/// dezenas de microssegundos e a janela muda muito entre duas leituras;
/// 2 ms ainda mostram a forma (a queda a cada perda, a subida depois), e
/// um segundo de transferência dá 500 linhas, que o gráfico desenha bem.
pub const SAMPLE_INTERVAL: Duration = Duration::from_millis(2);

/// Quanto o leitor lê antes de parar, com `--pausa-leitura`: o suficiente
/// para a transferência já estar em velocidade de cruzeiro.
pub const PAUSE_AFTER: u64 = 1024 * 1024;

/// O que observar, vindo da linha de comando.
#[derive(Debug, Clone, Default)]
pub struct Observe {
    /// Onde gravar as leituras do `TCP_INFO` (CSV).
    pub tcp_info: Option<PathBuf>,
    /// Por quanto tempo o leitor para, depois do primeiro MiB.
    pub read_pause: Option<Duration>,
    /// Ler no máximo tantos bytes por segundo.
    pub slow_read: Option<u64>,
}

/// A gravação em andamento (ou nenhuma, sem `--tcp-info`).
#[derive(Debug)]
pub struct Recording {
    sampler: Sampler,
    file: File,
    path: PathBuf,
}

impl Observe {
    /// Confere, antes de medir, que o pedido faz sentido: o `--tcp-info`
    /// grava uma conexão do modo fluxo (`one_stream`), num arquivo que dá
    /// para criar.
    pub fn check(&self, one_stream: bool) -> Result<(), Error> {
        let Some(path) = &self.tcp_info else {
            return Ok(());
        };
        if !one_stream {
            return Err(Error::new(
                "--tcp-info grava uma conexão só, no modo fluxo: use --modo fluxo --conexoes 1",
            ));
        }
        File::create(path)
            .map(drop)
            .map_err(|err| Error::io(format!("não foi possível criar {}", path.display()), &err))
    }

    /// Começa a ler o `TCP_INFO` de `stream`, se pedido.
    pub fn start(
        &self,
        stream: &TcpStream,
        written: &Arc<AtomicU64>,
    ) -> io::Result<Option<Recording>> {
        let Some(path) = &self.tcp_info else {
            return Ok(None);
        };
        // O arquivo é criado já: um caminho errado aparece antes da medida.
        let file = File::create(path).map_err(|err| {
            io::Error::other(Error::io(
                format!("não foi possível criar {}", path.display()),
                &err,
            ))
        })?;
        let sampler = Sampler::start(stream.try_clone()?, Arc::clone(written), SAMPLE_INTERVAL)?;
        Ok(Some(Recording {
            sampler,
            file,
            path: path.clone(),
        }))
    }

    // ANCHOR: pace
    /// Chamado pelo leitor depois de cada leitura: segura o leitor, se ele
    /// deve ler devagar ou parar. `received` é o total lido até aqui.
    pub fn pace(&self, started: Instant, received: u64, paused: &mut bool) {
        let pause = self
            .read_pause
            .filter(|_| !*paused && received >= PAUSE_AFTER);
        if let Some(pause) = pause {
            *paused = true;
            eprintln!(
                "leitor parado por {} s (--pausa-leitura), depois de {} KiB lidos",
                common::stats::decimal(pause.as_secs_f64(), 1),
                received / 1024
            );
            thread::sleep(pause);
            eprintln!("leitor de volta");
        }
        if let Some(rate) = self.slow_read {
            // Quando este total deveria ter sido lido, no ritmo pedido.
            let due = Duration::from_secs_f64(received as f64 / rate as f64);
            let elapsed = started.elapsed();
            if due > elapsed {
                thread::sleep(due - elapsed);
            }
        }
    }
    // ANCHOR_END: pace
}

impl Recording {
    /// Para de ler e grava a tabela; diz onde e quantas linhas.
    pub fn finish(self) -> io::Result<()> {
        let samples = self.sampler.stop();
        let mut out = BufWriter::new(self.file);
        write_csv(&samples, &mut out)?;
        out.flush()?;
        eprintln!(
            "TCP_INFO: {} leituras, uma a cada {} ms, gravadas em {}",
            samples.len(),
            SAMPLE_INTERVAL.as_millis(),
            self.path.display()
        );
        Ok(())
    }
}
