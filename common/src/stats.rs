//! As contas dos subcomandos `bench`: percentis do tempo de ida e volta (RTT),
//! vazão, e números escritos do jeito brasileiro (`1 234 567`, `12,5`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

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

/// O progresso de um `bench`: a cada segundo, uma linha na saída de erro com
/// quanto `progress` andou nesse segundo (`  3 s:   84 210 respostas/s`).
#[derive(Debug)]
pub struct Ticker {
    stop: Arc<AtomicBool>,
    handle: thread::JoinHandle<()>,
}

impl Ticker {
    /// Começa a mostrar o progresso, numa thread.
    pub fn start(progress: Arc<AtomicU64>, unit: &'static str) -> Ticker {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let handle = thread::spawn(move || {
            let mut last = 0;
            for second in 1.. {
                // Dez esperas curtas, para parar logo quando o bench acaba.
                for _ in 0..10 {
                    thread::sleep(Duration::from_millis(100));
                    if flag.load(Ordering::Relaxed) {
                        return;
                    }
                }
                let now = progress.load(Ordering::Relaxed);
                eprintln!("  {second:>3} s: {:>14} {unit}", thousands(now - last));
                last = now;
            }
        });
        Ticker { stop, handle }
    }

    /// Para de mostrar o progresso.
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.handle.join();
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
    fn numeros_do_jeito_brasileiro() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1 234 567");
        assert_eq!(decimal(12.5, 1), "12,5");
    }
}
