//! Uma rede ruim de mentira, para ver na loopback o que o UDP não garante.
//!
//! Na loopback nada se perde: o datagrama vai de um processo a outro dentro da
//! mesma máquina. Com `--perda 0.3`, o servidor joga fora 30 % dos datagramas
//! que recebe (como o servidor do laboratório "UDP pinger"); com `--atraso` e
//! `--variacao`, ele segura cada resposta por um tempo que varia, e respostas
//! podem chegar fora de ordem; com `--duplicar 0.3`, 30 % das respostas saem
//! duas vezes. `--semente` torna os sorteios repetíveis.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::Error;

// ANCHOR: max_delayed_bytes
/// Quantos bytes de respostas atrasadas podem esperar ao mesmo tempo.
///
/// Um roteador de verdade tem uma fila finita: quando ela enche, o pacote que
/// chega é descartado. Sem limite, um cliente que manda datagramas sem parar
/// a um servidor com `--atraso 3000ms` faria o servidor guardar 3 segundos de
/// tráfego na memória (mais de 1 GB na loopback). 32 MiB guardam 500
/// datagramas do tamanho máximo, ou mais de 200 mil pings, bem mais do que
/// qualquer experimento do livro precisa.
pub const MAX_DELAYED_BYTES: usize = 32 * 1024 * 1024;
// ANCHOR_END: max_delayed_bytes

/// Quanto depois da resposta sai a cópia dela, com `--duplicar`. Numa rede
/// de verdade, a cópia é um pacote reenviado por um enlace que achou que o
/// primeiro se perdeu (ou que passou por dois caminhos): chega logo depois.
pub const DUPLICATE_GAP: Duration = Duration::from_millis(1);

/// O que simular, vindo da linha de comando.
#[derive(Debug, Clone, Copy, Default)]
pub struct Impairment {
    /// Probabilidade de descartar cada datagrama (0.0 a 1.0).
    pub loss: f64,
    /// Atraso de cada resposta.
    pub delay: Duration,
    /// Variação máxima do atraso, para mais ou para menos.
    pub jitter: Duration,
    /// Probabilidade de mandar cada resposta duas vezes (0.0 a 1.0).
    pub duplicate: f64,
    /// Semente dos sorteios; sem ela, uma semente nova a cada execução.
    pub seed: Option<u64>,
}

impl std::fmt::Display for Impairment {
    /// `perda de 30 %, atraso de 100 ms ± 50 ms, semente 42`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "perda de {} %",
            common::stats::decimal(self.loss * 100.0, 1)
        )?;
        if !self.delay.is_zero() || !self.jitter.is_zero() {
            write!(
                f,
                ", atraso de {} ms ± {} ms",
                self.delay.as_millis(),
                self.jitter.as_millis()
            )?;
        }
        if self.duplicate > 0.0 {
            write!(
                f,
                ", duplicação de {} %",
                common::stats::decimal(self.duplicate * 100.0, 1)
            )?;
        }
        if let Some(seed) = self.seed {
            write!(f, ", semente {seed}")?;
        }
        Ok(())
    }
}

impl Impairment {
    /// Há algo a simular?
    pub fn is_active(&self) -> bool {
        self.loss > 0.0 || !self.delay.is_zero() || !self.jitter.is_zero() || self.duplicate > 0.0
    }
}

/// Sorteia perdas e atrasos e entrega as respostas atrasadas na hora certa.
#[derive(Debug)]
pub struct Simulator {
    impairment: Impairment,
    random: Random,
    /// Para onde vão as respostas com atraso (uma thread as envia na hora).
    delayed: Option<Sender<Delayed>>,
    /// Quantos bytes esperam agora (a thread dos atrasos desconta ao enviar).
    queued: Arc<AtomicUsize>,
    /// Quantas respostas foram descartadas porque a fila estava cheia.
    dropped: u64,
    /// Quantas respostas saíram duas vezes.
    duplicated: u64,
}

/// Uma resposta esperando a hora de sair.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Delayed {
    due: Instant,
    order: u64,
    to: SocketAddr,
    reply: Vec<u8>,
}

impl Simulator {
    /// Prepara a simulação; com atraso ou duplicação, cria a thread que
    /// envia as respostas.
    pub fn new(impairment: Impairment, socket: &UdpSocket) -> io::Result<Simulator> {
        let seed = impairment.seed.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
        let queued = Arc::new(AtomicUsize::new(0));
        let delayed = if impairment.delay.is_zero()
            && impairment.jitter.is_zero()
            && impairment.duplicate <= 0.0
        {
            None
        } else {
            let (sender, receiver) = mpsc::channel();
            let socket = socket.try_clone()?;
            let queued = Arc::clone(&queued);
            thread::Builder::new()
                .name("atrasos".into())
                .spawn(move || send_when_due(&socket, &receiver, &queued))?;
            Some(sender)
        };
        Ok(Simulator {
            impairment,
            random: Random::new(seed),
            delayed,
            queued,
            dropped: 0,
            duplicated: 0,
        })
    }

    // ANCHOR: lose
    /// Sorteia: este datagrama se perde? (Sempre `false` sem `--perda`.)
    pub fn lose(&mut self) -> bool {
        self.impairment.loss > 0.0 && self.random.fraction() < self.impairment.loss
    }
    // ANCHOR_END: lose

    // ANCHOR: delay
    /// Sorteia o atraso desta resposta; `None` quando não há atraso nem
    /// duplicação a simular (a resposta sai na hora, pelo `send_to` de
    /// sempre). Com `--duplicar` e sem atraso, o atraso é zero: a resposta
    /// passa pela thread dos atrasos, que sabe mandar a cópia.
    pub fn delay(&mut self) -> Option<Duration> {
        self.delayed.as_ref()?;
        let jitter = self.impairment.jitter.as_secs_f64();
        let offset = (self.random.fraction() * 2.0 - 1.0) * jitter;
        let delay = (self.impairment.delay.as_secs_f64() + offset).max(0.0);
        Some(Duration::from_secs_f64(delay))
    }
    // ANCHOR_END: delay

    // ANCHOR: send_later
    /// Entrega `reply` à thread dos atrasos, para sair daqui a `delay`. Com a
    /// fila cheia ([`MAX_DELAYED_BYTES`]), a resposta é descartada e contada,
    /// como faz um roteador congestionado, e o erro diz isso em português.
    /// Com `--duplicar`, sorteia também se a resposta sai duas vezes.
    pub fn send_later(
        &mut self,
        reply: &[u8],
        to: SocketAddr,
        delay: Duration,
    ) -> io::Result<usize> {
        let cost = delayed_cost(reply);
        if self.queued.load(Ordering::Relaxed) + cost > MAX_DELAYED_BYTES {
            self.dropped += 1;
            return Err(io::Error::other(Error::new(format!(
                "descartada: a fila de respostas atrasadas está cheia ({} MiB, o limite), \
                 como a de um roteador congestionado; {} descartada(s) até agora",
                MAX_DELAYED_BYTES / (1024 * 1024),
                self.dropped
            ))));
        }
        self.queued.fetch_add(cost, Ordering::Relaxed);
        let item = Delayed {
            due: Instant::now() + delay,
            order: self.random.next(),
            to,
            reply: reply.to_vec(),
        };
        let copy = self.duplicate().then(|| Delayed {
            due: item.due + DUPLICATE_GAP,
            order: self.random.next(),
            to,
            reply: reply.to_vec(),
        });
        if copy.is_some() {
            // A cópia também ocupa a fila (a thread desconta cada uma ao enviar).
            self.queued.fetch_add(cost, Ordering::Relaxed);
        }
        let queue = self
            .delayed
            .as_ref()
            .ok_or_else(|| io::Error::other(Error::new("atraso sem a thread dos atrasos")))?;
        for item in std::iter::once(item).chain(copy) {
            queue
                .send(item)
                .map_err(|_| io::Error::other(Error::new("a thread dos atrasos parou")))?;
        }
        Ok(reply.len())
    }
    // ANCHOR_END: send_later

    /// Quantas respostas foram descartadas porque a fila estava cheia.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    // ANCHOR: duplicate
    /// Sorteia: esta resposta sai duas vezes? (Sempre `false` sem `--duplicar`.)
    fn duplicate(&mut self) -> bool {
        let twice =
            self.impairment.duplicate > 0.0 && self.random.fraction() < self.impairment.duplicate;
        self.duplicated += u64::from(twice);
        twice
    }
    // ANCHOR_END: duplicate

    /// Quantas respostas saíram duas vezes.
    pub fn duplicated(&self) -> u64 {
        self.duplicated
    }
}

/// Quanto uma resposta atrasada ocupa na fila: os bytes dela e a ficha com o
/// horário e o destino.
fn delayed_cost(reply: &[u8]) -> usize {
    reply.len() + std::mem::size_of::<Delayed>()
}

/// A thread das respostas atrasadas: guarda-as em ordem de horário e envia
/// cada uma quando chega a hora. Respostas com atrasos diferentes saem fora
/// da ordem em que chegaram: é assim que a reordenação aparece.
fn send_when_due(socket: &UdpSocket, incoming: &Receiver<Delayed>, queued: &AtomicUsize) {
    let mut waiting: BinaryHeap<Reverse<Delayed>> = BinaryHeap::new();
    loop {
        let now = Instant::now();
        while waiting
            .peek()
            .is_some_and(|Reverse(first)| first.due <= now)
        {
            if let Some(Reverse(item)) = waiting.pop() {
                let _ = socket.send_to(&item.reply, item.to);
                queued.fetch_sub(delayed_cost(&item.reply), Ordering::Relaxed);
            }
        }
        let received = match waiting.peek() {
            Some(Reverse(first)) => incoming.recv_timeout(first.due.saturating_duration_since(now)),
            None => incoming.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match received {
            Ok(item) => waiting.push(Reverse(item)),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Um gerador de números pseudoaleatórios pequeno (SplitMix64): a mesma
/// semente dá sempre a mesma sequência de sorteios.
#[derive(Debug)]
struct Random(u64);

impl Random {
    fn new(seed: u64) -> Random {
        Random(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Um número entre 0 (inclusive) e 1 (exclusive).
    fn fraction(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mesma_semente_mesmos_sorteios() {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let impairment = Impairment {
            loss: 0.3,
            seed: Some(42),
            ..Impairment::default()
        };
        let mut a = Simulator::new(impairment, &socket).unwrap();
        let mut b = Simulator::new(impairment, &socket).unwrap();
        let first: Vec<bool> = (0..1000).map(|_| a.lose()).collect();
        let second: Vec<bool> = (0..1000).map(|_| b.lose()).collect();
        assert_eq!(first, second);
        let lost = first.iter().filter(|&&l| l).count();
        assert!((250..350).contains(&lost), "{lost} perdas em 1000 com 30 %");
    }

    #[test]
    fn sem_perda_nada_se_perde_e_perda_total_perde_tudo() {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        let mut none = Simulator::new(Impairment::default(), &socket).unwrap();
        assert!((0..100).all(|_| !none.lose()));
        let all = Impairment {
            loss: 1.0,
            ..Impairment::default()
        };
        let mut all = Simulator::new(all, &socket).unwrap();
        assert!((0..100).all(|_| all.lose()));
    }

    #[test]
    fn fila_cheia_descarta_e_conta() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let to = UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let impairment = Impairment {
            delay: Duration::from_secs(60),
            ..Impairment::default()
        };
        let mut simulator = Simulator::new(impairment, &server).unwrap();
        let reply = vec![b'A'; 60_000];
        let fits = MAX_DELAYED_BYTES / delayed_cost(&reply);
        for _ in 0..fits {
            simulator
                .send_later(&reply, to, Duration::from_secs(60))
                .unwrap();
        }
        let err = simulator
            .send_later(&reply, to, Duration::from_secs(60))
            .unwrap_err();
        let text = common::error::describe(&err);
        assert!(
            text.contains("fila de respostas atrasadas está cheia"),
            "{text}"
        );
        assert!(text.contains("1 descartada(s)"), "{text}");
        assert_eq!(simulator.dropped(), 1);
    }

    #[test]
    fn duplicar_manda_a_copia_logo_depois() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let impairment = Impairment {
            duplicate: 1.0,
            ..Impairment::default()
        };
        let mut simulator = Simulator::new(impairment, &server).unwrap();
        let delay = simulator
            .delay()
            .expect("com --duplicar, tudo passa pela thread");
        assert_eq!(delay, Duration::ZERO);
        simulator
            .send_later(b"OI", client.local_addr().unwrap(), delay)
            .unwrap();
        let mut buffer = [0u8; 4];
        for _ in 0..2 {
            let (n, _) = client.recv_from(&mut buffer).unwrap();
            assert_eq!(&buffer[..n], b"OI");
        }
        assert_eq!(simulator.duplicated(), 1);
    }

    #[test]
    fn atrasos_diferentes_chegam_fora_de_ordem() {
        let server = UdpSocket::bind("127.0.0.1:0").unwrap();
        let client = UdpSocket::bind("127.0.0.1:0").unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let impairment = Impairment {
            delay: Duration::from_millis(50),
            jitter: Duration::from_millis(45),
            seed: Some(7),
            ..Impairment::default()
        };
        let mut simulator = Simulator::new(impairment, &server).unwrap();
        let to = client.local_addr().unwrap();
        for i in 0..20u8 {
            let delay = simulator.delay().expect("há atraso configurado");
            simulator.send_later(&[i], to, delay).unwrap();
        }
        let mut order = Vec::new();
        let mut buffer = [0u8; 4];
        for _ in 0..20 {
            let (n, _) = client.recv_from(&mut buffer).unwrap();
            order.extend_from_slice(&buffer[..n]);
        }
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..20).collect::<Vec<u8>>(), "todas chegaram");
        assert_ne!(order, sorted, "com variação de atraso, a ordem muda");
    }
}
