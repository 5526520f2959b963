//! Os limites de memória e de processos de cada caixa de areia.
//!
//! Sem eles, um `fork` sem fim ou um `Vec` que cresce para sempre numa
//! entrega acaba com o limite do professor (e a correção da turma inteira
//! para) ou com a memória da máquina. Cada comando que a [`Sandbox`] roda
//! entra num grupo com um teto de memória ([`MEMORY`]) e de processos
//! ([`PROCESSES`]), do jeito mais forte que a máquina permitir:
//!
//! 1. um cgroup criado direto, quando a correção roda como root (a CI):
//!    cgroup v2 ou v1, sempre **dentro** do cgroup em que a própria
//!    correção está (quem já a limitou continua valendo);
//! 2. `systemd-run --user --scope -p MemoryMax= -p TasksMax=`, num laptop
//!    com sessão do systemd (o cgroup v2 que o usuário pode criar);
//! 3. `prlimit` (`RLIMIT_AS`, `RLIMIT_NPROC`), o último recurso: limita a
//!    memória *reservada* (maior que a usada) e conta os processos de todo
//!    o usuário, não só os da caixa (o teto é o que ele já tem mais os da
//!    caixa). Como root, `RLIMIT_NPROC` não vale.
//!
//! [`Sandbox`]: super::Sandbox

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A memória de uma caixa: o `rustc` compilando o `tcp-echo` usa algumas
/// centenas de MiB, e os testes bem menos; 2 GiB deixam folga e, com 2 a 4
/// caixas ao mesmo tempo, ainda cabem num laptop de 8 GiB.
pub const MEMORY: u64 = 2 << 30;

/// A variável que troca [`MEMORY`] (em MiB): o teste da turma hostil usa
/// menos, para a bomba de memória não pesar na máquina da CI.
pub const MEMORY_VARIABLE: &str = "AVALIACAO_MEMORIA_MIB";

/// A memória de uma caixa: [`MEMORY`], ou o que [`MEMORY_VARIABLE`] diz.
pub fn memory() -> u64 {
    std::env::var(MEMORY_VARIABLE)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|mib| *mib >= 64)
        .map_or(MEMORY, |mib| mib << 20)
}

/// Os processos (e threads: o kernel conta as duas coisas juntas) de uma
/// caixa: o teste mais pesado (exercício 5) sobe 64 threads de uma vez, e o
/// cargo com o `rustc` usa algumas dezenas. Um `fork` sem fim para aqui.
pub const PROCESSES: u64 = 512;

/// Com o `prlimit`, o teto é da memória reservada (`RLIMIT_AS`), que é bem
/// maior que a usada (cada thread reserva a sua pilha inteira).
fn address_space() -> u64 {
    4 * memory()
}

/// Como os limites são postos.
#[derive(Debug, Clone, PartialEq)]
pub enum Limiter {
    /// cgroup v2 direto (root): a pasta em que as caixas são criadas.
    CgroupV2(PathBuf),
    /// cgroup v1 direto (root): as pastas dos controladores `pids` e
    /// `memory` em que as caixas são criadas.
    CgroupV1 {
        /// Em `/sys/fs/cgroup/pids/...`.
        pids: PathBuf,
        /// Em `/sys/fs/cgroup/memory/...`.
        memory: PathBuf,
    },
    /// `systemd-run --user --scope`.
    Systemd,
    /// `prlimit --as --nproc`.
    Prlimit,
    /// Nenhum (nem cgroup, nem systemd, nem prlimit).
    Nothing,
}

/// Um cgroup criado para um comando, apagado no fim.
#[derive(Debug)]
pub struct Group {
    /// As pastas (uma no v2; `pids` e `memory` no v1).
    dirs: Vec<PathBuf>,
    /// Os tetos: memória (bytes) e processos.
    caps: (u64, u64),
}

/// Numera os cgroups criados por este processo.
static NEXT: AtomicUsize = AtomicUsize::new(0);

impl Limiter {
    /// O mais forte que esta máquina permite (veja o começo do arquivo).
    pub fn detect() -> Limiter {
        if is_root() {
            if let Some(limiter) = cgroup_v2().or_else(cgroup_v1) {
                match &limiter {
                    Limiter::CgroupV2(parent) => sweep(parent),
                    Limiter::CgroupV1 { pids, memory } => {
                        sweep(pids);
                        sweep(memory);
                    }
                    _ => {}
                }
                return limiter;
            }
        }
        if systemd_works() {
            return Limiter::Systemd;
        }
        if Command::new("prlimit")
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            return Limiter::Prlimit;
        }
        Limiter::Nothing
    }

    /// Uma frase para o professor: o que limita cada caixa.
    pub fn describe(&self) -> String {
        let caps = format!(
            "{} MiB de memória e {PROCESSES} processos por caixa",
            memory() >> 20
        );
        match self {
            Limiter::CgroupV2(dir) => format!("limites: cgroup v2 em {} ({caps})", dir.display()),
            Limiter::CgroupV1 { pids, .. } => {
                format!("limites: cgroup v1 em {} ({caps})", pids.display())
            }
            Limiter::Systemd => format!("limites: systemd-run --user --scope ({caps})"),
            Limiter::Prlimit => format!(
                "limites: prlimit ({} MiB de memória reservada{}; sem cgroup, um fork sem \
                 fim ainda pesa na máquina)",
                address_space() >> 20,
                if is_root() {
                    "; como root, o limite de processos não vale"
                } else {
                    " e processos contados por usuário"
                }
            ),
            Limiter::Nothing => "limites: NENHUM (sem cgroup, systemd-run nem prlimit): \
                 uma entrega pode esgotar a memória ou os processos da máquina"
                .into(),
        }
    }

    /// `program args...` com os limites de uma caixa: o comando a rodar e
    /// o cgroup a apagar depois (com [`Group::finish`]).
    pub fn wrap(&self, program: OsString, args: Vec<OsString>) -> (Command, Option<Group>) {
        self.wrap_sized(program, args, memory(), PROCESSES)
    }

    /// Como [`Limiter::wrap`], com outros tetos (`memory` em bytes).
    pub fn wrap_sized(
        &self,
        program: OsString,
        args: Vec<OsString>,
        memory: u64,
        processes: u64,
    ) -> (Command, Option<Group>) {
        let mut words: Vec<OsString> = Vec::new();
        let mut group = None;
        let caps = (memory, processes);
        match self {
            Limiter::CgroupV2(parent) => {
                group = Group::create(&[(parent, "memory.max", "pids.max")], caps);
            }
            Limiter::CgroupV1 {
                pids,
                memory: memory_dir,
            } => {
                group = Group::create(
                    &[
                        (pids, "", "pids.max"),
                        (memory_dir, "memory.limit_in_bytes", ""),
                    ],
                    caps,
                );
            }
            Limiter::Systemd => words.extend(
                [
                    "systemd-run",
                    "--user",
                    "--scope",
                    "--quiet",
                    "--collect",
                    "-p",
                    &format!("MemoryMax={memory}"),
                    "-p",
                    &format!("TasksMax={processes}"),
                    "-p",
                    "MemorySwapMax=0",
                    "--",
                ]
                .map(OsString::from),
            ),
            Limiter::Prlimit => words.extend(
                [
                    "prlimit",
                    &format!("--as={}", 4 * memory),
                    // O RLIMIT_NPROC conta todos os processos e threads do
                    // usuário (um navegador aberto tem centenas): o teto é
                    // o que já existe mais os da caixa.
                    &format!("--nproc={}", own_tasks() + processes),
                    "--",
                ]
                .map(OsString::from),
            ),
            Limiter::Nothing => {}
        }
        if let Some(group) = &group {
            // Um `sh` entra no cgroup e vira o comando (`exec`): tudo o que
            // ele criar nasce lá dentro.
            words.extend(
                [
                    "sh",
                    "-c",
                    "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done; \
                     shift; exec \"$@\"",
                    "sh",
                ]
                .map(OsString::from),
            );
            words.extend(
                group
                    .dirs
                    .iter()
                    .map(|d| d.join("cgroup.procs").into_os_string()),
            );
            words.push("--".into());
        }
        words.push(program);
        words.extend(args);
        let mut command = Command::new(&words[0]);
        command.args(&words[1..]);
        (command, group)
    }
}

impl Group {
    /// Cria uma pasta em cada `(mãe, arquivo da memória, arquivo dos
    /// processos)` e escreve os tetos; `None` se não deu.
    fn create(parents: &[(&PathBuf, &str, &str)], caps: (u64, u64)) -> Option<Group> {
        let name = format!(
            "caixa-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let mut group = Group {
            dirs: Vec::new(),
            caps,
        };
        for (parent, memory, pids) in parents {
            let dir = parent.join(&name);
            fs::create_dir(&dir).ok()?;
            group.dirs.push(dir.clone());
            if !memory.is_empty() {
                fs::write(dir.join(memory), caps.0.to_string()).ok()?;
                // Sem ir para a swap (onde houver): o teto é de memória
                // mesmo, e uma bomba não deixa a máquina lenta trocando
                // páginas. Nem todo kernel tem esses arquivos.
                let _ = match *memory {
                    "memory.max" => fs::write(dir.join("memory.swap.max"), "0"),
                    _ => fs::write(dir.join("memory.memsw.limit_in_bytes"), caps.0.to_string()),
                };
            }
            if !pids.is_empty() {
                fs::write(dir.join(pids), caps.1.to_string()).ok()?;
            }
        }
        Some(group)
    }

    /// As pastas do cgroup (uma no v2; `pids` e `memory` no v1).
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// Mata o que sobrou no cgroup, diz se algum teto foi atingido e apaga
    /// as pastas.
    pub fn finish(self) -> Option<String> {
        let deadline = Instant::now() + Duration::from_secs(5);
        for dir in &self.dirs {
            // No v2, `cgroup.kill` mata tudo de uma vez; no v1, um por um,
            // até não sobrar ninguém (um fork pode estar no meio).
            let _ = fs::write(dir.join("cgroup.kill"), "1");
            loop {
                let procs = fs::read_to_string(dir.join("cgroup.procs")).unwrap_or_default();
                let pids: Vec<i32> = procs.lines().filter_map(|l| l.parse().ok()).collect();
                if pids.is_empty() || Instant::now() >= deadline {
                    break;
                }
                for pid in pids {
                    kill(pid);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        let mut hit = Vec::new();
        for dir in &self.dirs {
            let events = |file: &str, key: &str| -> u64 {
                fs::read_to_string(dir.join(file))
                    .unwrap_or_default()
                    .lines()
                    .filter_map(|l| l.strip_prefix(key)?.trim().parse().ok())
                    .next()
                    .unwrap_or(0)
            };
            if events("pids.events", "max ") > 0 {
                hit.push(format!("o limite de {} processos", self.caps.1));
            }
            if events("memory.events", "oom_kill ") > 0
                || events("memory.oom_control", "oom_kill ") > 0
            {
                hit.push(format!("o limite de {} MiB de memória", self.caps.0 >> 20));
            }
        }
        for dir in &self.dirs {
            // O kernel só apaga a pasta quando o último processo saiu de vez.
            let deadline = Instant::now() + Duration::from_secs(2);
            while fs::remove_dir(dir).is_err() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        (!hit.is_empty()).then(|| format!("atingiu {}", hit.join(" e ")))
    }
}

/// Apaga os cgroups vazios de uma correção que não está mais rodando
/// (interrompida com Ctrl+C, por exemplo): `caixa-PID-N` e, no v2,
/// `avaliacao-PID` e `corretor-PID`, quando o processo PID não existe mais.
fn sweep(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = ["caixa-", "avaliacao-", "corretor-"]
            .iter()
            .find_map(|prefix| name.strip_prefix(prefix))
            .and_then(|rest| rest.split('-').next())
            .filter(|pid| !pid.is_empty() && pid.chars().all(|c| c.is_ascii_digit()));
        let Some(pid) = pid else {
            continue;
        };
        // Com mais de um minuto: um PID de outro namespace (outra correção
        // na mesma máquina) não aparece no nosso /proc, e a caixa dela pode
        // estar vazia por um instante, logo depois de criada.
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|e| e > Duration::from_secs(60)));
        if old && !Path::new("/proc").join(pid).exists() {
            // As caixas de dentro primeiro; só sai o que estiver vazio (um
            // cgroup com processos fica).
            sweep(&entry.path());
            let _ = fs::remove_dir(entry.path());
        }
    }
}

/// Um cgroup v2 com `memory` e `pids` onde as caixas possam ser criadas:
/// de preferência dentro do cgroup em que este processo está; se não der
/// (o v2 não deixa ligar controladores numa pasta que tem processos, e os
/// outros processos dela não são nossos), na raiz da hierarquia.
fn cgroup_v2() -> Option<Limiter> {
    let mount = Path::new("/sys/fs/cgroup");
    let controllers = fs::read_to_string(mount.join("cgroup.controllers")).ok()?;
    if !["memory", "pids"]
        .iter()
        .all(|c| controllers.split_whitespace().any(|w| w == *c))
    {
        return None;
    }
    let own = fs::read_to_string("/proc/self/cgroup").ok()?;
    let relative = own.lines().find_map(|l| l.strip_prefix("0::"))?;
    let here = mount.join(relative.trim_start_matches('/'));
    let enable =
        |dir: &Path| fs::write(dir.join("cgroup.subtree_control"), "+memory +pids").is_ok();
    let id = std::process::id();
    // Dentro do nosso: a correção se muda para uma folha (`corretor-PID`),
    // e as caixas ficam ao lado dela.
    let inside = || -> Option<PathBuf> {
        if !enable(&here) {
            let leaf = here.join(format!("corretor-{id}"));
            fs::create_dir_all(&leaf).ok()?;
            fs::write(leaf.join("cgroup.procs"), id.to_string()).ok()?;
            if !enable(&here) {
                // Devolve a correção ao lugar dela.
                let _ = fs::write(here.join("cgroup.procs"), id.to_string());
                let _ = fs::remove_dir(&leaf);
                return None;
            }
        }
        Some(here.clone())
    };
    let root = || enable(mount).then(|| mount.to_path_buf());
    let base = inside().or_else(root)?;
    sweep(&base);
    let parent = base.join(format!("avaliacao-{id}"));
    fs::create_dir_all(&parent).ok()?;
    if enable(&parent) {
        Some(Limiter::CgroupV2(parent))
    } else {
        let _ = fs::remove_dir(&parent);
        None
    }
}

/// Os cgroups v1 (`pids` e `memory`) em que este processo está.
fn cgroup_v1() -> Option<Limiter> {
    let own = fs::read_to_string("/proc/self/cgroup").ok()?;
    let place = |controller: &str| -> Option<PathBuf> {
        let relative = own.lines().find_map(|l| {
            let (_, rest) = l.split_once(':')?;
            let (names, path) = rest.split_once(':')?;
            names.split(',').any(|n| n == controller).then_some(path)
        })?;
        let dir = Path::new("/sys/fs/cgroup")
            .join(controller)
            .join(relative.trim_start_matches('/'));
        let probe = dir.join(format!("avaliacao-sonda-{}", std::process::id()));
        fs::create_dir(&probe).ok()?;
        let _ = fs::remove_dir(&probe);
        Some(dir)
    };
    Some(Limiter::CgroupV1 {
        pids: place("pids")?,
        memory: place("memory")?,
    })
}

/// O `systemd-run --user` funciona aqui (há uma sessão do systemd)?
fn systemd_works() -> bool {
    Command::new("systemd-run")
        .args([
            "--user",
            "--scope",
            "--quiet",
            "--collect",
            "-p",
            "MemoryMax=64M",
            "-p",
            "TasksMax=16",
            "-p",
            "MemorySwapMax=0",
            "--",
            "true",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Quantas threads (o kernel conta processos e threads juntos) o usuário
/// desta correção tem agora.
fn own_tasks() -> u64 {
    let Ok(mine) = fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    let uid = |status: &str| -> Option<String> {
        let line = status.lines().find(|l| l.starts_with("Uid:"))?;
        line.split_whitespace().nth(1).map(String::from)
    };
    let Some(me) = uid(&mine) else {
        return 0;
    };
    let Ok(entries) = fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .flatten()
        .filter_map(|e| fs::read_to_string(e.path().join("status")).ok())
        .filter(|status| uid(status).as_deref() == Some(me.as_str()))
        .filter_map(|status| {
            let line = status.lines().find(|l| l.starts_with("Threads:"))?;
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        })
        .sum()
}

/// A correção roda como root?
pub fn is_root() -> bool {
    #[cfg(unix)]
    {
        // SAFETY: geteuid só lê um número do processo; nunca falha.
        unsafe { libc::geteuid() == 0 }
    }
    #[cfg(not(unix))]
    false
}

fn kill(pid: i32) {
    #[cfg(unix)]
    if pid > 1 {
        // SAFETY: só manda um sinal a um processo do cgroup que criamos.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = pid;
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn sem_cgroup_o_prlimit_poe_os_tetos() {
        if !Command::new("prlimit")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return crate::skip("sem prlimit nesta máquina (pacote util-linux)");
        }
        let (mut command, group) = Limiter::Prlimit.wrap_sized(
            "sh".into(),
            vec!["-c".into(), "cat /proc/self/limits".into()],
            256 << 20,
            77,
        );
        assert!(group.is_none());
        let output = command.output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        let limit = |name: &str| -> Vec<String> {
            let line = text.lines().find(|l| l.starts_with(name)).unwrap_or("");
            line[name.len()..]
                .split_whitespace()
                .take(2)
                .map(String::from)
                .collect()
        };
        // Os processos: os que o usuário já tem, mais os 77 da caixa.
        let processes: Vec<u64> = limit("Max processes")
            .iter()
            .map(|n| n.parse().unwrap())
            .collect();
        assert_eq!(processes[0], processes[1], "{text}");
        assert!(
            processes[0] > 77 && processes[0] < 77 + own_tasks() + 100,
            "{text}"
        );
        // A memória reservada: 4 vezes a usada (4 × 256 MiB).
        let bytes = (4u64 << 28).to_string();
        assert_eq!(
            limit("Max address space"),
            [bytes.as_str(), bytes.as_str()],
            "{text}"
        );
    }

    #[test]
    fn o_comando_entra_no_cgroup_e_o_cgroup_some() {
        let limiter = Limiter::detect();
        let (Limiter::CgroupV1 { .. } | Limiter::CgroupV2(_)) = &limiter else {
            return crate::skip(&format!("sem cgroup criável aqui ({})", limiter.describe()));
        };
        // Um número inofensivo de processos: 20 `sleep` cabem, e o teto dos
        // processos aparece no cgroup.
        let (mut command, group) = limiter.wrap(
            "sh".into(),
            vec![
                "-c".into(),
                "cat /proc/self/cgroup; for i in $(seq 20); do sleep 30 >/dev/null & done; echo ok"
                    .into(),
            ],
        );
        let group = group.expect("o cgroup foi criado");
        let dirs = group.dirs.clone();
        let max = fs::read_to_string(dirs[0].join("pids.max"))
            .or_else(|_| fs::read_to_string(dirs[dirs.len() - 1].join("pids.max")))
            .unwrap();
        assert_eq!(max.trim(), PROCESSES.to_string());
        let output = command.stderr(Stdio::inherit()).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("caixa-"), "{text}");
        assert!(text.ends_with("ok\n"), "{text}");
        assert_eq!(group.finish(), None, "20 processos não batem no teto");
        for dir in dirs {
            assert!(!dir.exists(), "{} ficou", dir.display());
        }
    }
}
