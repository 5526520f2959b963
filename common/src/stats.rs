//! As contas dos subcomandos `bench`: percentis do tempo de ida e volta (RTT),
//! vazão, e números escritos do jeito brasileiro (`1 234 567`, `12,5`).

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Tempos de ida e volta medidos, em microssegundos.
#[derive(Debug, Default, Clone)]
pub struct Latencies {
    micros: Vec<u32>,
}

impl Latencies {
    /// Registra uma medida.
    pub fn record(&mut self, rtt: Duration) {
        // Arredonda para o microssegundo mais próximo (104,9 µs → 105 µs).
        let micros = (rtt.as_nanos() + 500) / 1000;
        self.micros.push(u32::try_from(micros).unwrap_or(u32::MAX));
    }

    /// Junta as medidas de outra thread a estas.
    pub fn merge(&mut self, other: Latencies) {
        self.micros.extend(other.micros);
    }

    /// Quantas medidas há.
    pub fn len(&self) -> usize {
        self.micros.len()
    }

    /// Não há medidas?
    pub fn is_empty(&self) -> bool {
        self.micros.is_empty()
    }

    /// Resume as medidas: mediana (p50), p99, máximo e o desvio padrão (o
    /// `mdev` do `ping`).
    pub fn summary(mut self) -> Summary {
        self.micros.sort_unstable();
        let n = self.micros.len();
        let at = |fraction: f64| -> u32 {
            if n == 0 {
                return 0;
            }
            let index = ((n as f64 * fraction).ceil() as usize).clamp(1, n) - 1;
            self.micros[index]
        };
        let mean = if n == 0 {
            0.0
        } else {
            self.micros.iter().map(|&v| f64::from(v)).sum::<f64>() / n as f64
        };
        let mdev = if n == 0 {
            0.0
        } else {
            let squares = self
                .micros
                .iter()
                .map(|&v| (f64::from(v) - mean).powi(2))
                .sum::<f64>();
            (squares / n as f64).sqrt()
        };
        Summary {
            min: self.micros.first().copied().unwrap_or(0),
            p50: at(0.50),
            p99: at(0.99),
            max: self.micros.last().copied().unwrap_or(0),
            mean,
            mdev,
        }
    }
}

/// O resumo de um conjunto de RTTs, em microssegundos.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// O menor.
    pub min: u32,
    /// A mediana: metade das medidas foi menor que isso.
    pub p50: u32,
    /// 99 % das medidas foram menores que isso.
    pub p99: u32,
    /// O maior.
    pub max: u32,
    /// A média.
    pub mean: f64,
    /// O desvio padrão: o quanto as medidas variam em torno da média.
    pub mdev: f64,
}

/// O que um `bench` conta no progresso, e como mostrar a taxa.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit {
    /// Respostas certas (`84 210 respostas/s`).
    Replies,
    /// Bytes ecoados, mostrados em MiB (`256,3 MiB/s`), a unidade do resultado.
    Bytes,
    /// Conexões completas (`1 234 conexões/s`).
    Connections,
    /// Conexões que já responderam, sem taxa: no modo `conexoes`, elas
    /// chegam todas de uma vez, e "por segundo" não quer dizer nada.
    Answered,
}

impl Unit {
    /// O nome do que é contado, no plural.
    fn name(self) -> &'static str {
        match self {
            Unit::Replies => "respostas",
            Unit::Bytes => "MiB",
            Unit::Connections => "conexões",
            Unit::Answered => "conexões respondidas",
        }
    }

    /// Uma quantidade em texto, na unidade do resultado (`12 000`, `768,0`).
    fn amount(self, count: u64) -> String {
        match self {
            Unit::Bytes => decimal(count as f64 / MIB, 1),
            Unit::Replies | Unit::Connections | Unit::Answered => thousands(count),
        }
    }

    /// Uma taxa em texto (`84 210 respostas/s`, `256,3 MiB/s`); nenhuma
    /// para [`Unit::Answered`].
    fn rate(self, per_second: f64) -> String {
        let amount = match self {
            Unit::Bytes => decimal(per_second / MIB, 1),
            Unit::Replies | Unit::Connections => thousands(per_second as u64),
            Unit::Answered => return String::new(),
        };
        format!("{amount} {}/s", self.name())
    }
}

const MIB: f64 = 1024.0 * 1024.0;

/// Até onde o `bench` vai: um tempo (`--duracao`) ou uma quantidade
/// (`--contagem`, `--mib`), para o progresso dizer onde a medida está.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Plan {
    /// Medir por este tempo.
    For(Duration),
    /// Até contar isto (na unidade do progresso).
    Until(u64),
}

/// O progresso de um `bench`, na saída de erro, a cada segundo: o tempo
/// passado (e o total, se a medida é por tempo), quanto já foi feito (e o
/// total, se é por quantidade) e a taxa **naquele último intervalo**, na
/// unidade do resultado:
///
/// ```text
///   3,0 s de 5,0 s   84 210 respostas/s
///   3,0 s   768,0 de 1024,0 MiB          256,3 MiB/s
/// ```
///
/// Num terminal, a linha é reescrita no lugar; num arquivo, vira uma linha por
/// segundo. Ao parar, mostra o último pedaço de intervalo também.
#[derive(Debug)]
pub struct Ticker {
    stop: Arc<AtomicBool>,
    /// `None` se o sistema não deixou criar a thread: o bench segue sem
    /// mostrar o progresso (e explica o limite ao criar as suas threads).
    handle: Option<thread::JoinHandle<()>>,
}

impl Ticker {
    /// Começa a mostrar o progresso de `progress`, numa thread.
    pub fn start(progress: Arc<AtomicU64>, unit: Unit, plan: Plan) -> Ticker {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let spawned = thread::Builder::new().spawn(move || {
            let terminal = std::io::stderr().is_terminal();
            let started = Instant::now();
            let (mut last_count, mut last_time) = (0, started);
            let mut show = |last: bool| {
                let now = Instant::now();
                let count = progress.load(Ordering::Relaxed);
                let interval = now - last_time;
                // Um último pedaço curto demais daria uma taxa sem sentido.
                if last && (interval < Duration::from_millis(20) || count == last_count) {
                    return;
                }
                let rate = per_second(count - last_count, interval);
                let line = progress_line(unit, plan, now - started, count, rate);
                if terminal {
                    eprint!("\r{line}\x1b[K");
                } else {
                    eprintln!("{line}");
                }
                (last_count, last_time) = (count, now);
            };
            let mut next = started + Duration::from_secs(1);
            loop {
                // Esperas curtas, para parar logo quando o bench acaba.
                thread::sleep(
                    Duration::from_millis(50).min(next.saturating_duration_since(Instant::now())),
                );
                if flag.load(Ordering::Relaxed) {
                    show(true);
                    if terminal && last_time != started {
                        eprintln!();
                    }
                    return;
                }
                if Instant::now() >= next {
                    show(false);
                    next += Duration::from_secs(1);
                }
            }
        });
        Ticker {
            stop,
            handle: spawned.ok(),
        }
    }

    /// Para de mostrar o progresso (mostrando o último pedaço).
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.handle {
            let _ = handle.join();
        }
    }
}

/// Uma linha de progresso (veja [`Ticker`]).
pub fn progress_line(unit: Unit, plan: Plan, elapsed: Duration, count: u64, rate: f64) -> String {
    let seconds = |d: Duration| decimal(d.as_secs_f64(), 1);
    let rate = unit.rate(rate);
    match plan {
        Plan::For(total) => format!(
            "  {} s de {} s   {rate:>18}",
            seconds(elapsed),
            seconds(total)
        ),
        Plan::Until(total) => format!(
            "  {} s   {} de {} {}   {rate:>18}",
            seconds(elapsed),
            unit.amount(count),
            unit.amount(total),
            unit.name()
        )
        .trim_end()
        .to_string(),
    }
}

/// Um inteiro com espaços a cada três dígitos: `1234567` → `"1 234 567"`.
pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// Um número com `decimals` casas e vírgula decimal: `12.5` → `"12,5"`.
pub fn decimal(value: f64, decimals: usize) -> String {
    format!("{value:.decimals$}").replace('.', ",")
}

/// Uma taxa por segundo.
pub fn per_second(count: u64, elapsed: Duration) -> f64 {
    if elapsed.is_zero() {
        0.0
    } else {
        count as f64 / elapsed.as_secs_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentis_de_medidas_conhecidas() {
        let mut latencies = Latencies::default();
        for micros in 1..=100 {
            latencies.record(Duration::from_micros(micros));
        }
        let summary = latencies.summary();
        assert_eq!(
            (summary.min, summary.p50, summary.p99, summary.max),
            (1, 50, 99, 100)
        );
        assert!((summary.mean - 50.5).abs() < 1e-9);
        assert!((summary.mdev - 28.866).abs() < 1e-3, "{}", summary.mdev);
        assert_eq!(Latencies::default().summary().p99, 0);
    }

    #[test]
    fn linha_de_progresso_diz_onde_a_medida_esta() {
        let second = Duration::from_secs(3);
        assert_eq!(
            progress_line(
                Unit::Replies,
                Plan::For(Duration::from_secs(5)),
                second,
                250_000,
                84_210.7
            ),
            "  3,0 s de 5,0 s   84 210 respostas/s"
        );
        assert_eq!(
            progress_line(Unit::Replies, Plan::Until(50_000), second, 12_000, 4_000.0),
            "  3,0 s   12 000 de 50 000 respostas    4 000 respostas/s"
        );
        assert_eq!(
            progress_line(
                Unit::Bytes,
                Plan::Until(1 << 30),
                second,
                768 << 20,
                256.3 * MIB
            ),
            "  3,0 s   768,0 de 1024,0 MiB          256,3 MiB/s"
        );
    }

    #[test]
    fn conexoes_respondidas_sem_taxa() {
        assert_eq!(
            progress_line(
                Unit::Answered,
                Plan::Until(500),
                Duration::from_secs(1),
                499,
                0.0
            ),
            "  1,0 s   499 de 500 conexões respondidas"
        );
    }

    #[test]
    fn numeros_do_jeito_brasileiro() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1 234 567");
        assert_eq!(decimal(12.5, 1), "12,5");
    }
}
