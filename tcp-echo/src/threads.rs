//! As threads do servidor TCP: quantas existem, quando criar mais uma e quando
//! uma pode terminar.
//!
//! A regra é uma só: além das threads ocupadas com uma conexão, o servidor
//! mantém [`SPARE_THREADS`] threads livres, nem mais, nem menos (por muito
//! tempo). Com `--max-conexoes N`, isso dá no máximo `N + SPARE_THREADS`
//! threads, aconteça o que acontecer.

use std::io;
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use common::log::OncePerSecond;

// ANCHOR: spare_threads
/// Quantas threads livres (sem conexão) o servidor mantém. Elas esperam no
/// `accept`: quando uma conexão chega, já há uma thread pronta para ela, e
/// criar a próxima thread (o que custa caro) acontece enquanto a conexão
/// já está sendo atendida. Também são elas que recusam os clientes acima do
/// limite. Oito dão conta de uma turma conectando de uma vez e custam pouco:
/// uma thread parada ocupa só a memória que a pilha dela chegou a usar.
pub const SPARE_THREADS: usize = 8;

/// Depois de quanto tempo sem conexão nova uma thread livre a mais (acima
/// de [`SPARE_THREADS`]) termina. Poucos segundos: tempo bastante para uma
/// rajada de conexões não criar e destruir threads sem parar, e pouco para
/// as threads de um pico não ficarem paradas à toa.
pub const IDLE_THREAD_TIMEOUT: Duration = Duration::from_secs(3);
// ANCHOR_END: spare_threads

/// A pilha de cada thread de conexão: 256 KiB. O padrão do Rust é 2 MiB por
/// thread, reservados de uma vez: sob um `ulimit -v`, que conta o reservado,
/// cem threads já pediriam 200 MiB. Uma thread de conexão usa pouca pilha (o
/// buffer de 64 KiB fica no heap); 256 KiB sobram até para mostrar um pânico.
pub const THREAD_STACK: usize = 256 * 1024;

/// Quanta memória uma thread nova reserva: a pilha, mais a página de guarda
/// dela, a pilha de sinais que o Rust cria em cada thread (para avisar de um
/// estouro de pilha) e o TLS. 64 KiB cobrem com sobra o que vai além da pilha.
pub const THREAD_MEMORY: usize = THREAD_STACK + 64 * 1024;

/// A contagem das threads do servidor (a principal também conta).
#[derive(Debug)]
pub struct Pool {
    threads: Mutex<usize>,
    spawn_failed: OncePerSecond,
}

impl Pool {
    /// A contagem no começo: só a thread principal.
    pub fn new() -> Pool {
        Pool {
            threads: Mutex::new(1),
            spawn_failed: OncePerSecond::new(),
        }
    }

    /// Quantas threads existem agora.
    pub fn count(&self) -> usize {
        *self.threads()
    }

    // ANCHOR: reserve
    /// Reserva a vaga de mais uma thread, se há menos de `busy +
    /// SPARE_THREADS` (`busy`: quantas estão ocupadas com uma conexão). Olhar
    /// a conta e somar 1 acontecem com o `Mutex` travado: duas threads ao
    /// mesmo tempo não passam juntas pela última vaga.
    pub fn reserve(&self, busy: usize) -> bool {
        let mut threads = self.threads();
        if *threads < busy + SPARE_THREADS {
            *threads += 1;
            true
        } else {
            false
        }
    }
    // ANCHOR_END: reserve

    /// Uma thread livre há [`IDLE_THREAD_TIMEOUT`] pergunta se pode terminar:
    /// pode, se há mais que `busy + SPARE_THREADS` threads. Se a resposta é
    /// sim, ela já saiu da conta.
    pub fn retire(&self, busy: usize) -> bool {
        let mut threads = self.threads();
        if *threads > busy + SPARE_THREADS {
            *threads -= 1;
            true
        } else {
            false
        }
    }

    /// A contagem, mesmo que outra thread tenha entrado em pânico com ela na mão.
    fn threads(&self) -> MutexGuard<'_, usize> {
        self.threads
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Cria a thread cuja vaga foi reservada com [`Pool::reserve`], para
    /// rodar `work`. Se o sistema não deixar (limite de threads ou falta de
    /// memória), devolve a vaga, avisa (no máximo uma vez por segundo) e
    /// responde `false`: o servidor segue com as threads que já tem.
    pub fn spawn(&self, work: impl FnOnce() + Send + 'static) -> bool {
        // Sob um `ulimit -v`, a thread só é criada se sobra a folga de
        // `common::memory`. Não dá para esperar o erro: o `spawn` só falha
        // se a *pilha* não couber; a pilha de sinais e o TLS são pedidos
        // depois, já dentro da thread nova, e ali a falta de memória aborta
        // o processo inteiro ("failed to allocate an alternative stack").
        let spawned = if common::memory::room_for(THREAD_MEMORY) {
            thread::Builder::new()
                .name("conexoes".into())
                .stack_size(THREAD_STACK)
                .spawn(work)
        } else {
            Err(io::Error::from(io::ErrorKind::OutOfMemory))
        };
        match spawned {
            Ok(_) => true,
            Err(err) => {
                *self.threads() -= 1;
                if let Some(silenced) = self.spawn_failed.due() {
                    common::log!(
                        "aviso: o kernel não deixou criar mais uma thread ({}; {} existem agora, \
                         {silenced} avisos iguais calados); o servidor segue com as que tem. \
                         Cada conexão usa uma thread: o limite é o `ulimit -u` e a memória, \
                         e --max-conexoes controla quantas o servidor pede.",
                        spawn_error(&err),
                        self.count(),
                    );
                }
                false
            }
        }
    }
}

/// O lugar de uma thread na contagem, enquanto ela roda. Uma thread que
/// termina direito sai da conta por [`Pool::retire`]; uma que morre num
/// pânico sai quando o `Seat` dela é destruído no caminho do pânico. Assim a
/// contagem nunca fica com threads que não existem mais.
#[derive(Debug)]
pub struct Seat<'a> {
    pool: &'a Pool,
}

impl<'a> Seat<'a> {
    /// O lugar da thread que chama, já contada (por [`Pool::new`] ou [`Pool::reserve`]).
    pub fn new(pool: &'a Pool) -> Seat<'a> {
        Seat { pool }
    }
}

impl Drop for Seat<'_> {
    fn drop(&mut self) {
        if thread::panicking() {
            *self.pool.threads() -= 1;
        }
    }
}

impl Default for Pool {
    fn default() -> Self {
        Pool::new()
    }
}

/// O erro de criar uma thread, em português. O sistema responde EAGAIN
/// ("tente de novo"), que o `std` classifica como `WouldBlock`, o mesmo de
/// um tempo esgotado; aqui ele quer dizer "limite de threads atingido".
fn spawn_error(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::WouldBlock => {
            "limite de threads do kernel atingido, ou falta de memória para a pilha".to_string()
        }
        io::ErrorKind::OutOfMemory => "sem memória para mais uma thread".to_string(),
        _ => common::error::describe(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nunca_passa_de_ocupadas_mais_reservas() {
        let pool = Pool::new();
        let mut reserved = 0;
        while pool.reserve(3) {
            reserved += 1;
        }
        assert_eq!(pool.count(), 3 + SPARE_THREADS);
        assert_eq!(reserved, 3 + SPARE_THREADS - 1);
        // Duas conexões terminam: duas threads sobram, e só elas terminam.
        assert!(pool.retire(1));
        assert!(pool.retire(1));
        assert!(!pool.retire(1));
        assert_eq!(pool.count(), 1 + SPARE_THREADS);
    }

    #[test]
    fn thread_que_morre_em_panico_sai_da_contagem() {
        let pool = std::sync::Arc::new(Pool::new());
        assert!(pool.reserve(0));
        assert_eq!(pool.count(), 2);
        let for_thread = std::sync::Arc::clone(&pool);
        let died = thread::spawn(move || {
            let _seat = Seat::new(&for_thread);
            panic!("de propósito");
        })
        .join();
        assert!(died.is_err());
        assert_eq!(pool.count(), 1);
    }

    #[test]
    fn erro_ao_criar_thread_nao_e_tempo_esgotado() {
        let text = spawn_error(&std::io::Error::from(std::io::ErrorKind::WouldBlock));
        assert!(text.contains("limite de threads"), "{text}");
        assert!(!text.contains("tempo esgotado"), "{text}");
    }
}
