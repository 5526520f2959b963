//! O registro (log) dos servidores: uma linha por acontecimento, na saída padrão.
//!
//! Duas escolhas, cada uma com o seu motivo:
//!
//! - Por que não `println!`? Porque `println!` entra em pânico se a saída
//!   padrão foi fechada (por exemplo `udp-echo servidor | head -1`), e um
//!   servidor não pode parar por causa do seu log. [`log!`](crate::log!)
//!   ignora esse erro.
//! - As linhas vão primeiro para um buffer na memória, e uma thread o esvazia
//!   na saída a cada [`FLUSH_INTERVAL`]. Escrever cada linha direto custaria
//!   uma chamada ao sistema por datagrama: sob carga (100 mil datagramas por
//!   segundo), o servidor passaria mais tempo escrevendo o log do que
//!   respondendo. Para quem olha o terminal, 50 ms de atraso não se percebem.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, Once, mpsc};
use std::thread;
use std::time::{Duration, Instant};

/// De quanto em quanto tempo o buffer do log vai para a saída padrão.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(50);

/// Escreve uma linha de log na saída padrão, como `println!`, mas sem nunca
/// entrar em pânico e sem uma chamada ao sistema por linha.
#[macro_export]
macro_rules! log {
    ($($arg:tt)*) => {
        $crate::log::write_line(::std::format_args!($($arg)*))
    };
}

/// Como [`log!`](crate::log!), para o que acontece a cada mensagem (um
/// datagrama, uma leitura, uma conexão): no máximo [`MAX_LINES_PER_SECOND`]
/// linhas por segundo. Acima disso, as linhas só são contadas (nem chegam a
/// ser formatadas), e uma linha por segundo diz quantas ficaram de fora.
#[macro_export]
macro_rules! log_limited {
    ($($arg:tt)*) => {
        if $crate::log::admit() {
            $crate::log::write_line(::std::format_args!($($arg)*))
        }
    };
}

/// Para os programas que não são servidores (ping, bench): como `println!`,
/// mas quem lê a saída pode ir embora. Com `udp-echo ping | head -3`, o `head`
/// fecha a saída depois de 3 linhas; o `println!` entraria em pânico, e isto
/// simplesmente encerra o programa, como fazem as ferramentas do sistema.
#[macro_export]
macro_rules! out {
    () => {
        $crate::log::print_line(::std::format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::log::print_line(::std::format_args!($($arg)*))
    };
}

/// O que [`out!`](crate::out!) chama.
pub fn print_line(args: fmt::Arguments<'_>) {
    if let Err(err) = writeln!(io::stdout().lock(), "{args}") {
        if err.kind() == io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
    }
}

/// Quantas linhas de [`log_limited!`](crate::log_limited!) por segundo, no
/// máximo. Ninguém lê mais que isso num terminal; sob carga (100 mil
/// datagramas por segundo), formatar cada linha custaria mais que responder.
pub const MAX_LINES_PER_SECOND: u64 = 1000;

/// Quantos bytes de log, no máximo, esperam na memória pela saída padrão.
/// Se ninguém lê a saída (um `less` pausado, um pipe parado), o buffer não
/// cresce sem fim: acima disso as linhas são descartadas e contadas.
pub const MAX_PENDING_BYTES: usize = 1024 * 1024;

static BUFFER: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static ADMITTED: AtomicU64 = AtomicU64::new(0);
static OMITTED: AtomicU64 = AtomicU64::new(0);
static DISCARDED: AtomicU64 = AtomicU64::new(0);

/// O que [`log_limited!`](crate::log_limited!) pergunta: ainda cabe uma linha
/// neste segundo?
pub fn admit() -> bool {
    start_flusher();
    if ADMITTED.fetch_add(1, Ordering::Relaxed) < MAX_LINES_PER_SECOND {
        true
    } else {
        OMITTED.fetch_add(1, Ordering::Relaxed);
        false
    }
}

/// O buffer, mesmo que outra thread tenha entrado em pânico com ele na mão.
fn buffer() -> MutexGuard<'static, Vec<u8>> {
    BUFFER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Depois da última linha ([`last_line`]), nenhuma outra entra no log: as
/// threads que ainda atendem clientes enquanto o programa encerra não
/// escrevem depois do "encerrado.".
static CLOSED: AtomicBool = AtomicBool::new(false);

/// Escreve a última linha do log (a do Ctrl+C) e fecha o log: o que as
/// outras threads tentarem escrever depois é ignorado.
pub fn last_line(args: fmt::Arguments<'_>) {
    start_flusher();
    let mut buffer = buffer();
    CLOSED.store(true, Ordering::SeqCst);
    let discarded = DISCARDED.swap(0, Ordering::Relaxed);
    if discarded > 0 {
        let _ = writeln!(
            buffer,
            "({discarded} linhas de log descartadas: a saída padrão não estava sendo lida)"
        );
    }
    let _ = writeln!(buffer, "{args}");
}

/// O que [`log!`](crate::log!) chama: guarda `args` e uma quebra de linha.
pub fn write_line(args: fmt::Arguments<'_>) {
    start_flusher();
    let mut buffer = buffer();
    if CLOSED.load(Ordering::SeqCst) {
        return;
    }
    if buffer.len() < MAX_PENDING_BYTES {
        let _ = writeln!(buffer, "{args}");
    } else {
        DISCARDED.fetch_add(1, Ordering::Relaxed);
    }
}

/// Um aviso que aparece no máximo uma vez por segundo, por mais que o
/// problema se repita (um `accept` que falha sem parar, por exemplo): uma
/// linha por segundo informa; mil por segundo esconderiam todo o resto.
#[derive(Debug, Default)]
pub struct OncePerSecond {
    /// Quando o aviso apareceu pela última vez, e quantas vezes foi calado desde então.
    state: Mutex<(Option<Instant>, u64)>,
}

impl OncePerSecond {
    /// Um aviso que ainda não apareceu.
    pub const fn new() -> Self {
        OncePerSecond {
            state: Mutex::new((None, 0)),
        }
    }

    /// Chegou a vez de avisar? Se sim, devolve quantas vezes o aviso foi
    /// calado desde a última vez que apareceu; se não, conta mais uma.
    pub fn due(&self) -> Option<u64> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (last, silenced) = &mut *state;
        if last.is_some_and(|at| at.elapsed() < Duration::from_secs(1)) {
            *silenced += 1;
            return None;
        }
        *last = Some(Instant::now());
        Some(std::mem::take(silenced))
    }
}

/// Na primeira linha, cria a thread que esvazia o buffer a cada
/// [`FLUSH_INTERVAL`] e, a cada segundo, zera a cota de
/// [`log_limited!`](crate::log_limited!) e conta o que ficou de fora.
fn start_flusher() {
    static FLUSHER: Once = Once::new();
    FLUSHER.call_once(|| {
        flush_before_panics();
        thread::spawn(|| {
            let ticks_per_second = (1000 / FLUSH_INTERVAL.as_millis()).max(1);
            for tick in 1.. {
                thread::sleep(FLUSH_INTERVAL);
                if tick % ticks_per_second == 0 {
                    ADMITTED.store(0, Ordering::Relaxed);
                    let omitted = OMITTED.swap(0, Ordering::Relaxed);
                    if omitted > 0 {
                        write_line(format_args!(
                            "(mais {omitted} linhas de log no último segundo, não mostradas: \
                             o limite é {MAX_LINES_PER_SECOND} por segundo)"
                        ));
                    }
                }
                flush();
            }
        });
    });
}

/// Quanto um pânico espera o log sair antes da mensagem dele.
const PANIC_FLUSH_LIMIT: Duration = Duration::from_millis(200);

/// Um pânico na thread principal (um `todo!()`, um `unwrap` que falhou)
/// escreve a sua mensagem direto na saída de erro e encerra o programa. Sem
/// isto, as linhas que ainda esperam no buffer sairiam depois da mensagem, ou
/// nunca: o "pronto" de um servidor que cai logo em seguida se perderia.
/// Com isto, o que o programa já registrou sai antes, na ordem em que
/// aconteceu; o `flush_for` não espera para sempre por uma saída parada.
/// Nas outras threads (uma conexão que entra em pânico), o programa segue, e
/// o log sai na próxima esvaziada, como sempre.
fn flush_before_panics() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if thread::current().name() == Some("main") {
            flush_for(PANIC_FLUSH_LIMIT);
        }
        default_hook(info);
    }));
}

/// Esvazia o buffer na saída padrão agora (antes de sair, por exemplo).
///
/// Se ninguém lê a saída, esta função fica parada no `write` até alguém
/// ler. Para sair sem depender disso, use [`flush_for`].
pub fn flush() {
    // A saída padrão é travada antes do buffer: assim duas chamadas ao mesmo
    // tempo nunca escrevem as linhas fora de ordem.
    let mut stdout = io::stdout().lock();
    let mut pending = std::mem::take(&mut *buffer());
    let discarded = DISCARDED.swap(0, Ordering::Relaxed);
    if discarded > 0 {
        let _ = writeln!(
            pending,
            "({discarded} linhas de log descartadas: a saída padrão não estava sendo lida)"
        );
    }
    // Aos pedaços, contando o que já saiu: quem espera ([`flush_for`]) sabe
    // se a saída anda (devagar, numa máquina ocupada) ou está parada.
    for piece in pending.chunks(4096) {
        if stdout.write_all(piece).is_err() {
            break;
        }
        WRITTEN.fetch_add(piece.len() as u64, Ordering::Relaxed);
    }
    let _ = stdout.flush();
}

/// Quantos bytes de log já foram escritos na saída padrão.
static WRITTEN: AtomicU64 = AtomicU64::new(0);

/// O máximo que [`flush_for`] espera por uma saída que anda, mas devagar.
const SLOW_OUTPUT_MAX: Duration = Duration::from_secs(5);

/// Como [`flush`], mas esperando no máximo `limit`: o Ctrl+C usa isto para
/// escrever a última linha sem ficar preso a uma saída que ninguém lê (um
/// `less` pausado, um pipe parado). Se a escrita não terminar a tempo, a
/// linha fica para trás, e quem chamou segue (e encerra o programa).
///
/// Uma saída que anda, mas devagar (uma máquina ocupada, um terminal lento),
/// não é uma saída parada: enquanto algo foi escrito no último `limit`, a
/// espera continua, até `SLOW_OUTPUT_MAX` no total.
pub fn flush_for(limit: Duration) {
    let (done, finished) = mpsc::channel();
    let writer = thread::Builder::new().spawn(move || {
        flush();
        let _ = done.send(());
    });
    if writer.is_err() {
        return;
    }
    let started = std::time::Instant::now();
    let mut seen = WRITTEN.load(Ordering::Relaxed);
    while finished.recv_timeout(limit) == Err(mpsc::RecvTimeoutError::Timeout) {
        let now = WRITTEN.load(Ordering::Relaxed);
        if now == seen || started.elapsed() >= SLOW_OUTPUT_MAX {
            return;
        }
        seen = now;
    }
}

/// Um trecho legível de uma mensagem para o log: o texto entre aspas, com
/// quebras de linha como `\n` e bytes inválidos em UTF-8 como `\xFF`, cortado
/// em `max_chars` caracteres (com `…` quando há mais).
pub fn preview(bytes: &[u8], max_chars: usize) -> String {
    use std::fmt::Write as _;
    let mut text = String::with_capacity(max_chars + 8);
    text.push('"');
    let mut shown = 0;
    // Um caractere tem até 4 bytes: `max_chars + 1` caracteres cabem nesse
    // começo, e olhar os 64 KiB de cada leitura custaria caro sob carga.
    let head = &bytes[..bytes.len().min(max_chars * 4 + 4)];
    for chunk in head.utf8_chunks() {
        for c in chunk.valid().chars() {
            if shown == max_chars {
                text.push_str("\"…");
                return text;
            }
            text.extend(c.escape_debug());
            shown += 1;
        }
        for byte in chunk.invalid() {
            if shown == max_chars {
                text.push_str("\"…");
                return text;
            }
            let _ = write!(text, "\\x{byte:02X}");
            shown += 1;
        }
    }
    text.push('"');
    text
}

#[cfg(test)]
mod tests {
    use super::preview;

    #[test]
    fn panico_esvazia_o_log_antes_da_mensagem() {
        // Este mesmo teste, rodado de novo num processo filho, registra uma
        // linha, entra em pânico e sai na hora, como um `main` que entra em
        // pânico: bem antes da próxima esvaziada do buffer (50 ms). (Aqui o
        // `main` é uma thread com o nome da principal: a do teste tem o nome
        // do teste.)
        if std::env::var_os("LOG_PANICO_FILHO").is_some() {
            let main = std::thread::Builder::new().name("main".into());
            let main = main.spawn(|| {
                crate::log!("linha registrada antes do pânico");
                panic!("pânico de propósito");
            });
            let _ = main.unwrap().join();
            std::process::exit(101);
        }
        let output = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "log::tests::panico_esvazia_o_log_antes_da_mensagem",
            ])
            .args(["--nocapture", "--test-threads=1"])
            .env("LOG_PANICO_FILHO", "1")
            // Sem o backtrace, que demora mais que os 50 ms para ser escrito.
            .env("RUST_BACKTRACE", "0")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("pânico de propósito"), "{stderr}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.contains("linha registrada antes do pânico"),
            "a linha do log se perdeu no pânico:\n{stdout}"
        );
    }

    #[test]
    fn log_limited_para_de_admitir_acima_do_limite() {
        let admitted = (0..3 * super::MAX_LINES_PER_SECOND)
            .filter(|_| super::admit())
            .count() as u64;
        // A cota zera a cada segundo; num laço tão curto, zera no máximo uma
        // vez: algumas linhas entram, e pelo menos um terço fica de fora.
        assert!(admitted > 0);
        assert!(admitted <= 2 * super::MAX_LINES_PER_SECOND, "{admitted}");
    }

    #[test]
    fn aviso_uma_vez_por_segundo_conta_os_calados() {
        let warning = super::OncePerSecond::new();
        assert_eq!(warning.due(), Some(0));
        assert_eq!(warning.due(), None);
        assert_eq!(warning.due(), None);
    }

    #[test]
    fn preview_mostra_acentos_e_escapa_o_resto() {
        assert_eq!(preview("ação\n".as_bytes(), 40), "\"ação\\n\"");
        assert_eq!(preview(b"a\xffb", 40), "\"a\\xFFb\"");
        assert_eq!(preview(b"abcdef", 3), "\"abc\"…");
        assert_eq!(preview(b"", 3), "\"\"");
    }
}
