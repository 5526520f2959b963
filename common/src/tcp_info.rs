//! O que o kernel sabe de uma conexão TCP: a janela de congestionamento, o
//! limiar da partida lenta, o RTT, as retransmissões, a janela anunciada pelo
//! outro lado (`getsockopt(TCP_INFO)`, só no Linux).
//!
//! As notas dizem que o TCP tem "controle de fluxo" e "controle de
//! congestionamento". Os dois acontecem dentro do kernel, longe do programa;
//! o `TCP_INFO` é a janela por onde o programa pode olhar. O [`Sampler`] lê
//! esses números a cada poucos milissegundos durante uma transferência, e
//! [`write_csv`] os grava numa tabela que vira gráfico (`professor grafico`).

use std::io::{self, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// O `ssthresh` de uma conexão que ainda não viu perda: "infinito"
/// (`TCP_INFINITE_SSTHRESH` no kernel). Enquanto ele vale isso, a conexão
/// está na partida lenta (*slow start*).
pub const INFINITE_SSTHRESH: u32 = 0x7fff_ffff;

// ANCHOR: tcp_info
/// Os números do `TCP_INFO` que o livro usa, já em unidades simples.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpInfo {
    /// Janela de congestionamento (`tcpi_snd_cwnd`), em segmentos: quantos
    /// segmentos o remetente se permite ter em voo sem confirmação.
    pub cwnd: u32,
    /// Limiar da partida lenta (`tcpi_snd_ssthresh`), em segmentos; abaixo
    /// dele a janela dobra a cada RTT, acima cresce um segmento por RTT.
    /// [`INFINITE_SSTHRESH`] antes da primeira perda.
    pub ssthresh: u32,
    /// Tamanho máximo de segmento (`tcpi_snd_mss`), em bytes.
    pub mss: u32,
    /// RTT suavizado que o kernel estima (`tcpi_rtt`), em microssegundos.
    pub rtt_us: u32,
    /// Segmentos retransmitidos desde o começo da conexão (`tcpi_total_retrans`).
    pub retrans: u32,
    /// Bytes que o outro lado já confirmou (`tcpi_bytes_acked`); o kernel
    /// conta também o SYN e o FIN, um "byte" cada.
    pub bytes_acked: u64,
    /// Segmentos enviados e ainda não confirmados (`tcpi_unacked`).
    pub unacked: u32,
    /// A janela que o outro lado anunciou por último (`tcpi_snd_wnd`), em
    /// bytes: quanto ele ainda aceita receber. Zero: "pare de mandar". (Linux
    /// 5.4 ou mais novo; antes disso, sempre 0.)
    pub peer_window: u32,
    /// Bytes escritos pelo programa que o kernel ainda nem enviou
    /// (`tcpi_notsent_bytes`).
    pub not_sent: u32,
}
// ANCHOR_END: tcp_info

// ANCHOR: read
/// Pergunta ao kernel o estado da conexão (`getsockopt(fd, IPPROTO_TCP,
/// TCP_INFO)`, feito no crate `sistema`). Fora do Linux, um erro que diz
/// isso em português.
pub fn read(stream: &TcpStream) -> io::Result<TcpInfo> {
    #[cfg(target_os = "linux")]
    {
        let raw = sistema::tcp_info(stream)?;
        Ok(TcpInfo {
            cwnd: raw.snd_cwnd,
            ssthresh: raw.snd_ssthresh,
            mss: raw.snd_mss,
            rtt_us: raw.rtt,
            retrans: raw.total_retrans,
            bytes_acked: raw.bytes_acked,
            unacked: raw.unacked,
            peer_window: raw.snd_wnd,
            not_sent: raw.notsent_bytes,
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = stream;
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "o TCP_INFO (janela de congestionamento, RTT, retransmissões) só pode ser \
             lido no Linux; rode sem --tcp-info, ou num Linux",
        ))
    }
}
// ANCHOR_END: read

/// Uma leitura do [`Sampler`]: quando, o que o kernel disse e o que o
/// programa tinha feito até ali.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sample {
    /// Milissegundos desde o começo da amostragem.
    pub t_ms: u64,
    /// O `TCP_INFO` naquele instante.
    pub info: TcpInfo,
    /// Bytes que o programa já tinha entregue ao `write` (aceitos pelo
    /// kernel), contados quando cada `write_all` volta: o kernel pode já ter
    /// aceito, e até ver confirmada, parte do bloco seguinte, que este
    /// contador só mostra quando aquele `write_all` voltar.
    pub written: u64,
    /// Bytes enviados e ainda sem confirmação (a fila de envio menos o que
    /// ainda nem saiu): os bytes "em voo".
    pub in_flight: u64,
}

// ANCHOR: sampler
/// Lê o `TCP_INFO` de uma conexão a cada `interval`, numa thread à parte,
/// enquanto o programa transfere; [`Sampler::stop`] devolve as leituras.
#[derive(Debug)]
pub struct Sampler {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Vec<Sample>>,
}

impl Sampler {
    /// Começa a ler `stream` (uma cópia do socket da conexão, de
    /// `try_clone`). `written` é o contador de bytes que a thread que escreve
    /// vai aumentando. Já faz uma leitura aqui, para um erro (fora do Linux)
    /// aparecer antes da transferência.
    pub fn start(
        stream: TcpStream,
        written: Arc<AtomicU64>,
        interval: Duration,
    ) -> io::Result<Sampler> {
        read(&stream)?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("tcp-info".into())
            .spawn(move || {
                let started = Instant::now();
                let mut samples = Vec::new();
                loop {
                    // A última leitura é feita depois do pedido de parar: a
                    // tabela termina com a transferência já completa.
                    let last = stopping.load(Ordering::Relaxed);
                    let Ok(info) = read(&stream) else { break };
                    let queued = crate::tcp::unsent_bytes(&stream).unwrap_or(0) as u64;
                    samples.push(Sample {
                        t_ms: started.elapsed().as_millis() as u64,
                        info,
                        written: written.load(Ordering::Relaxed),
                        in_flight: queued.saturating_sub(info.not_sent.into()),
                    });
                    if last {
                        break;
                    }
                    thread::sleep(interval);
                }
                samples
            })?;
        Ok(Sampler { stop, thread })
    }

    /// Para de ler e devolve as leituras, em ordem.
    pub fn stop(self) -> Vec<Sample> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().unwrap_or_default()
    }
}
// ANCHOR_END: sampler

// ANCHOR: csv
/// O cabeçalho da tabela: uma coluna por número (as unidades estão em
/// [`write_csv`]; o livro usa a tabela em "Controle de congestionamento, em
/// gráficos").
pub const CSV_HEADER: &str = "t_ms,cwnd,ssthresh,rtt_us,retrans,bytes,escritos,em_voo,janela,mss";

/// Grava as leituras em CSV: `t_ms` (ms), `cwnd` e `ssthresh` (segmentos;
/// `ssthresh` vazio enquanto é "infinito"), `rtt_us` (µs), `retrans`
/// (segmentos retransmitidos até ali), `bytes` (bytes confirmados pelo outro
/// lado), `escritos` (bytes aceitos pelo `write`), `em_voo` (bytes enviados
/// sem confirmação), `janela` (a janela anunciada pelo outro lado, em bytes)
/// e `mss` (bytes por segmento).
pub fn write_csv(samples: &[Sample], out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "{CSV_HEADER}")?;
    for s in samples {
        let ssthresh = if s.info.ssthresh >= INFINITE_SSTHRESH {
            String::new()
        } else {
            s.info.ssthresh.to_string()
        };
        writeln!(
            out,
            "{},{},{ssthresh},{},{},{},{},{},{},{}",
            s.t_ms,
            s.info.cwnd,
            s.info.rtt_us,
            s.info.retrans,
            s.info.bytes_acked,
            s.written,
            s.in_flight,
            s.info.peer_window,
            s.info.mss
        )?;
    }
    Ok(())
}
// ANCHOR_END: csv

/// Os nomes das colunas de [`CSV_HEADER`], um por um, para quem lê a tabela
/// (os gráficos do laboratório): renomear uma coluna aqui sem mudar o
/// cabeçalho (ou o contrário) faz o teste `colunas_formam_o_cabecalho` falhar.
pub mod column {
    pub const T_MS: &str = "t_ms";
    pub const CWND: &str = "cwnd";
    pub const SSTHRESH: &str = "ssthresh";
    pub const RTT_US: &str = "rtt_us";
    pub const RETRANS: &str = "retrans";
    pub const BYTES: &str = "bytes";
    pub const WRITTEN: &str = "escritos";
    pub const IN_FLIGHT: &str = "em_voo";
    pub const WINDOW: &str = "janela";
    pub const MSS: &str = "mss";
    /// Todas, na ordem do cabeçalho.
    pub const ALL: [&str; 10] = [
        T_MS, CWND, SSTHRESH, RTT_US, RETRANS, BYTES, WRITTEN, IN_FLIGHT, WINDOW, MSS,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colunas_formam_o_cabecalho() {
        assert_eq!(column::ALL.join(","), CSV_HEADER);
    }

    #[test]
    fn csv_de_leituras_fixas() {
        let sample = |t_ms, cwnd, ssthresh| Sample {
            t_ms,
            info: TcpInfo {
                cwnd,
                ssthresh,
                mss: 1448,
                rtt_us: 50,
                retrans: 1,
                bytes_acked: 1000,
                unacked: 2,
                peer_window: 65536,
                not_sent: 0,
            },
            written: 2000,
            in_flight: 1000,
        };
        let mut out = Vec::new();
        write_csv(
            &[sample(0, 10, INFINITE_SSTHRESH), sample(5, 7, 7)],
            &mut out,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "t_ms,cwnd,ssthresh,rtt_us,retrans,bytes,escritos,em_voo,janela,mss\n\
             0,10,,50,1,1000,2000,1000,65536,1448\n\
             5,7,7,50,1,1000,2000,1000,65536,1448\n"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn leituras_de_uma_transferencia_na_loopback_fazem_sentido() {
        use std::io::Read;
        let listener = crate::tcp::listen("127.0.0.1:0".parse().unwrap(), 16).unwrap();
        let address = listener.local_addr().unwrap();
        let mut client = crate::tcp::connect(&[address], Duration::from_secs(5)).unwrap();
        let (mut server_side, _) = listener.accept().unwrap();
        let reader = thread::spawn(move || {
            let mut sink = Vec::new();
            server_side.read_to_end(&mut sink).map(|_| sink.len())
        });
        let written = Arc::new(AtomicU64::new(0));
        let sampler = Sampler::start(
            client.try_clone().unwrap(),
            Arc::clone(&written),
            Duration::from_millis(1),
        )
        .unwrap();
        const CHUNK: u64 = 64 * 1024;
        let chunk = vec![b'a'; CHUNK as usize];
        for i in 1..=64u64 {
            client.write_all(&chunk).unwrap();
            written.store(i * CHUNK, Ordering::Relaxed);
        }
        client.shutdown(std::net::Shutdown::Write).unwrap();
        assert_eq!(reader.join().unwrap().unwrap(), 64 * 64 * 1024);
        let samples = sampler.stop();
        assert!(!samples.is_empty());
        let last = samples.last().unwrap();
        // Tudo foi lido do outro lado: tudo foi confirmado. O kernel conta
        // também o SYN e o FIN, que gastam um número de sequência cada.
        assert_eq!(last.written, 4 * 1024 * 1024);
        assert_eq!(last.info.bytes_acked, 4 * 1024 * 1024 + 2);
        for s in &samples {
            assert!(s.info.cwnd >= 1 && s.info.cwnd < 1_000_000, "{s:?}");
            assert!(s.info.ssthresh >= 2, "{s:?}");
            assert!(s.info.mss >= 536 && s.info.mss <= 65_535, "{s:?}");
            assert!(s.info.rtt_us < 5_000_000, "{s:?}");
            // O contador anda depois do `write_all`: entre o kernel aceitar
            // um bloco e o contador mudar, o outro lado pode já ter
            // confirmado parte dele (visto na CI: 65 537 bytes à frente).
            assert!(s.info.bytes_acked <= s.written + CHUNK + 2, "{s:?}");
        }
        assert!(last.info.rtt_us > 0, "{last:?}");
        let times: Vec<u64> = samples.iter().map(|s| s.t_ms).collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "em ordem: {times:?}"
        );
    }
}
