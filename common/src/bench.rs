//! O esqueleto dos dois `bench` (UDP e TCP): uma thread por cliente ou
//! conexão, cada uma com a sua contagem, e no fim a soma de todas; e as
//! frases e contas que os dois mostram do mesmo jeito.

use std::thread;

use crate::Error;

/// A pilha de cada thread do bench: 256 KiB, em vez dos 2 MiB do padrão.
/// Com `--conexoes 10000`, 2 MiB por thread seriam 20 GiB de memória
/// reservada; as threads do bench usam pouca pilha (as mensagens ficam no heap).
pub const THREAD_STACK: usize = 256 * 1024;

/// O que cada thread do bench conta, e como somar duas contagens.
pub trait Tally: Default + Send + 'static {
    /// Soma a esta contagem a de outra thread.
    fn add(&mut self, other: Self);
}

/// Quem são as threads, nas mensagens de erro: `"do cliente"` e
/// `"--clientes"`, ou `"da conexão"` e `"--conexoes"`.
#[derive(Debug, Clone, Copy)]
pub struct Workers {
    /// Como a mensagem chama cada thread: "a thread do cliente 3 de 10".
    pub each: &'static str,
    /// A opção que diminui quantas threads o bench cria.
    pub option: &'static str,
}

/// Roda cada trabalho numa thread e devolve a soma das contagens, depois que
/// todas terminam.
pub fn run_all<T, F>(jobs: Vec<F>, workers: Workers) -> Result<T, Error>
where
    T: Tally,
    F: FnOnce() -> T + Send + 'static,
{
    let total = jobs.len();
    let mut running = Vec::with_capacity(total);
    for job in jobs {
        let spawned = thread::Builder::new().stack_size(THREAD_STACK).spawn(job);
        running.push(spawned.map_err(|_| thread_refused(workers, running.len() + 1, total))?);
    }
    let mut sum = T::default();
    for thread in running {
        let tally = thread
            .join()
            .map_err(|_| Error::new("uma thread do bench falhou"))?;
        sum.add(tally);
    }
    Ok(sum)
}

/// A thread `n` não pôde ser criada. O erro do sistema (`EAGAIN`) diria
/// "recurso temporariamente indisponível", o que não ajuda: o que falta é
/// memória para a pilha da thread ou vaga no limite de threads do usuário.
fn thread_refused(workers: Workers, n: usize, total: usize) -> Error {
    Error::new(format!(
        "o kernel não deixou criar a thread {} {n} de {total} (falta memória \
         para a pilha dela, ou o limite de threads do usuário foi atingido; veja \
         `ulimit -u` e `ulimit -v`); tente menos {}",
        workers.each, workers.option
    ))
}

/// O veredito: com problemas (respostas erradas, erros de rede), a medida
/// não vale, e o bench sai com erro, uma frase por problema.
pub fn verdict(problems: &[String]) -> Result<(), Error> {
    if problems.is_empty() {
        return Ok(());
    }
    Err(Error::new(format!(
        "a medida não vale: {}",
        problems.join("\n  ")
    )))
}

/// A lei de Little: quantas mensagens estavam a caminho, em média, pela
/// vazão e pelo RTT médio. Tem de dar perto de `clientes × em voo` (ou
/// `conexões × em voo`); bem menos quer dizer que o relógio do RTT começa
/// tarde ou para cedo.
pub fn little(per_second: f64, mean_rtt_us: f64) -> f64 {
    per_second * mean_rtt_us / 1e6
}

/// `1 conexão`, `2 conexões`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default)]
    struct Count(u64);

    impl Tally for Count {
        fn add(&mut self, other: Self) {
            self.0 += other.0;
        }
    }

    #[test]
    fn soma_o_que_cada_thread_contou() {
        let jobs: Vec<_> = (1..=4).map(|n| move || Count(n)).collect();
        let workers = Workers {
            each: "do cliente",
            option: "--clientes",
        };
        assert_eq!(run_all(jobs, workers).expect("quatro threads").0, 10);
    }

    #[test]
    fn veredito_e_contas() {
        assert!(verdict(&[]).is_ok());
        let err = verdict(&["um".to_string(), "dois".to_string()]).unwrap_err();
        assert_eq!(err.to_string(), "a medida não vale: um\n  dois");
        assert_eq!(little(1000.0, 2000.0), 2.0);
        assert_eq!(plural(1, "conexão", "conexões"), "1 conexão");
        assert_eq!(plural(2, "conexão", "conexões"), "2 conexões");
    }
}
