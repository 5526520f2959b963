//! O isolamento: o único lugar que roda código de aluno.
//!
//! Dado um comando, a pasta de trabalho da entrega, a pasta de compilação e
//! um tempo-limite, roda o comando **numa caixa de areia** e devolve o que
//! aconteceu. A caixa é feita com o bubblewrap (`bwrap`), o mesmo que o
//! Flatpak usa, sem precisar de root:
//!
//! - rede própria: só a loopback (nada sai da máquina, nem DNS);
//! - processos próprios (PID namespace): quando o comando termina, ou quando
//!   o tempo acaba, **todo** processo que ele deixou morre junto, inclusive
//!   os que fugiram do grupo com `setsid`;
//! - o sistema e o Rust só para leitura; `/` e `/dev` também; para
//!   escrever, um `/tmp` e um `/dev/shm` próprios e pequenos, e, só na
//!   compilação, a entrega (`/entrega`) e a pasta de compilação (`/alvo`);
//! - nos testes ([`Sandbox::run_tests`]), a entrega e a pasta de compilação
//!   só para leitura, o programa de teste só para execução (modo `0111`: o
//!   kernel o marca "não inspecionável", e nenhum outro processo abre a
//!   saída dele por `/proc/PID/fd`) e como PID 1 da caixa (nenhum processo
//!   inspecionável segura essa saída); como root, os testes rodam como o
//!   usuário `nobody`, porque o root abre o `/proc` de qualquer um;
//! - memória e processos limitados por caixa ([`super::limites`]);
//! - sem ver o `$HOME` do professor, a solução de referência nem as outras
//!   entregas; ambiente mínimo (nenhuma variável do professor passa).
//!
//! Sem isolamento (`--sem-isolamento`) o comando roda como um processo comum
//! do professor, num grupo de processos próprio: o tempo-limite ainda vale,
//! mas um processo que saia do grupo pode sobreviver, e o código do aluno
//! lê e escreve o que o professor pode.

use std::ffi::OsString;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::limites::{self, Limiter};

/// Quanto da saída de um comando guardamos: o bastante para achar o erro de
/// compilação e o relatório dos testes; o resto é lido e descartado (um
/// teste que escreve sem parar não enche a memória nem o disco).
pub const MAX_OUTPUT: usize = 4 << 20;

/// O tamanho do `/tmp` da caixa: os testes quase não o usam; o limite
/// impede que um programa encha a memória da máquina escrevendo ali.
const TMP_SIZE: u64 = 256 << 20;

/// O tamanho do `/dev/shm` da caixa (memória compartilhada): os testes não
/// o usam; sem teto, seria um jeito de passar por cima do `/tmp`.
const SHM_SIZE: u64 = 16 << 20;

/// Quantas vezes tentar de novo quando a máquina não deixa criar um
/// processo (`EAGAIN`: o limite de processos do professor, por exemplo), e
/// quanto esperar entre elas.
const SPAWN_TRIES: u32 = 5;
/// Veja [`SPAWN_TRIES`].
const SPAWN_PAUSE: Duration = Duration::from_secs(2);

/// O usuário dos testes quando a correção roda como root.
const NOBODY: &str = "65534";

/// Onde a entrega e a pasta de compilação aparecem dentro da caixa. Sempre
/// os mesmos caminhos: assim o que foi compilado para uma entrega serve de
/// ponto de partida para as outras.
pub const WORK: &str = "/entrega";
/// Veja [`WORK`].
pub const TARGET: &str = "/alvo";
/// O `CARGO_HOME` dentro da caixa (as dependências baixadas, só leitura).
const CARGO_HOME: &str = "/cargo";

/// Como um comando terminou.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Saiu sozinho, com este código (`None`: morto por um sinal).
    Exited(Option<i32>),
    /// Passou do tempo-limite e foi morto (com tudo o que criou).
    TimedOut,
}

/// O que aconteceu com um comando.
#[derive(Debug, Clone)]
pub struct Run {
    /// Como terminou.
    pub ending: Ending,
    /// A saída padrão, até [`MAX_OUTPUT`] bytes (onde o harness de testes
    /// escreve o relatório).
    pub output: String,
    /// A saída de erro, até [`MAX_OUTPUT`] bytes (onde o cargo escreve, e
    /// onde caem os pânicos dos servidores que os testes sobem).
    pub errors: String,
    /// O teto de memória ou de processos que o comando atingiu, se algum
    /// (só com cgroup).
    pub exhausted: Option<String>,
}

impl Run {
    /// Saiu sozinho com código 0?
    pub fn success(&self) -> bool {
        self.ending == Ending::Exited(Some(0))
    }

    /// As duas saídas, uma depois da outra.
    pub fn all(&self) -> String {
        format!("{}{}", self.output, self.errors)
    }
}

/// A caixa de areia (ou a falta dela).
#[derive(Debug, Clone)]
pub struct Sandbox {
    /// O `bwrap`, ou `None` sem isolamento.
    bwrap: Option<PathBuf>,
    /// A pasta do Rust em uso (`rustc --print sysroot`): `bin/cargo` e
    /// `bin/rustc` estão nela.
    toolchain: PathBuf,
    /// O `CARGO_HOME` do professor (as dependências já baixadas).
    cargo_home: PathBuf,
    /// Como a memória e os processos de cada caixa são limitados.
    limiter: Limiter,
}

/// O que a caixa pode mudar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// A entrega e a pasta de compilação (compilar, abrir um `.zip`).
    Writable,
    /// Nada fora do `/tmp` e do `/dev/shm` da caixa (rodar os testes).
    Tests,
}

/// Um comando para a caixa: `program args...` na subpasta `dir` de `work`
/// (a pasta de trabalho da entrega, que o comando pode mudar), com a pasta
/// de compilação `target`, as variáveis `env` e no máximo `limit`.
#[derive(Debug, Clone, Copy)]
pub struct Job<'a> {
    pub work: &'a Path,
    pub target: &'a Path,
    /// `""` para a própria `work`.
    pub dir: &'a str,
    pub program: &'a str,
    pub args: &'a [&'a str],
    pub env: &'a [(&'a str, &'a str)],
    pub limit: Duration,
}

impl<'a> Job<'a> {
    /// Um comando na raiz de `folder`, que é também a pasta de compilação,
    /// sem variáveis a mais.
    pub fn new(
        folder: &'a Path,
        program: &'a str,
        args: &'a [&'a str],
        limit: Duration,
    ) -> Job<'a> {
        Job {
            work: folder,
            target: folder,
            dir: "",
            program,
            args,
            env: &[],
            limit,
        }
    }
}

impl Sandbox {
    /// A caixa com o bubblewrap. Erro (com o que fazer) se o `bwrap` não
    /// está instalado ou não funciona nesta máquina.
    pub fn isolated() -> Result<Sandbox, String> {
        let bwrap = find_in_path("bwrap").ok_or_else(|| {
            "o bubblewrap (bwrap) não está instalado, e sem ele o código dos alunos \
             rodaria com as suas permissões. Instale com `sudo apt install bubblewrap` \
             (Debian/Ubuntu) ou `sudo dnf install bubblewrap` (Fedora), ou, sabendo \
             o risco, rode com --sem-isolamento"
                .to_string()
        })?;
        if limites::is_root() && find_in_path("setpriv").is_none() {
            return Err(
                "como root, os testes dos alunos rodam como o usuário nobody \
                 (o root abre a saída de qualquer processo), e para isso falta o \
                 `setpriv` (pacote util-linux)"
                    .to_string(),
            );
        }
        let sandbox = Sandbox {
            bwrap: Some(bwrap),
            ..Sandbox::unisolated()?
        };
        // Uma caixa vazia, para saber se o sistema permite (alguns desligam
        // os user namespaces).
        // Um nome por sonda (duas caixas criadas ao mesmo tempo, nos testes,
        // não apagam a pasta uma da outra).
        static PROBES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let empty = std::env::temp_dir().join(format!(
            "avaliacao-sonda-{}-{}",
            std::process::id(),
            PROBES.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&empty).map_err(|e| format!("{}: {e}", empty.display()))?;
        let job = Job::new(&empty, "true", &[], Duration::from_secs(20));
        let probe = sandbox.run(&job);
        // E a caixa dos testes (só leitura; como root, como nobody).
        let probe = match probe {
            Ok(run) if run.success() => sandbox.run_tests(&job),
            other => other,
        };
        let _ = std::fs::remove_dir_all(&empty);
        match probe {
            Ok(run) if run.success() => Ok(sandbox),
            Ok(run) => Err(format!(
                "o bubblewrap está instalado mas não consegue criar a caixa nesta máquina \
                 (talvez os user namespaces estejam desligados: \
                 `sudo sysctl -w kernel.unprivileged_userns_clone=1`): {}",
                run.all().trim()
            )),
            Err(err) => Err(format!("não foi possível rodar o bwrap: {err}")),
        }
    }

    /// Sem caixa: os comandos rodam como processos comuns do professor.
    pub fn unisolated() -> Result<Sandbox, String> {
        Ok(Sandbox {
            bwrap: None,
            toolchain: toolchain()?,
            cargo_home: cargo_home()?,
            limiter: Limiter::detect(),
        })
    }

    /// Como a memória e os processos de cada caixa são limitados (uma frase
    /// para o professor).
    pub fn limits(&self) -> String {
        self.limiter.describe()
    }

    /// Há isolamento?
    pub fn is_isolated(&self) -> bool {
        self.bwrap.is_some()
    }

    /// Onde `work` (a entrega) aparece para o comando.
    pub fn work_path(&self, work: &Path) -> PathBuf {
        if self.is_isolated() {
            PathBuf::from(WORK)
        } else {
            work.to_path_buf()
        }
    }

    /// Onde `target` (a pasta de compilação) aparece para o comando.
    pub fn target_path(&self, target: &Path) -> PathBuf {
        if self.is_isolated() {
            PathBuf::from(TARGET)
        } else {
            target.to_path_buf()
        }
    }

    /// O caminho do `cargo` para o comando.
    pub fn cargo(&self) -> String {
        self.toolchain
            .join("bin/cargo")
            .to_string_lossy()
            .into_owned()
    }

    /// Roda o comando `job` (veja [`Job`]). Ao voltar, nenhum processo que
    /// o comando criou está vivo (com isolamento).
    pub fn run(&self, job: &Job) -> io::Result<Run> {
        self.run_in(Access::Writable, job)
    }

    /// Como [`Sandbox::run`], para um programa de teste já compilado
    /// (`program`, dentro de `target`): a entrega e a pasta de compilação
    /// só para leitura, o programa de teste só para execução, e o relatório
    /// que ele escreve na saída padrão fora do alcance de qualquer outro
    /// processo da caixa (veja o começo do arquivo).
    pub fn run_tests(&self, job: &Job) -> io::Result<Run> {
        let (program, target) = (job.program, job.target);
        // Só execução (`--x--x--x`): quem roda um programa que não pode ler
        // vira um processo "não inspecionável" (o kernel não deixa outro
        // processo do mesmo usuário abrir /proc/PID/fd, mem, nem usar ptrace).
        if let Ok(inside) = Path::new(program).strip_prefix(self.target_path(target)) {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let host = target.join(inside);
                std::fs::set_permissions(&host, std::fs::Permissions::from_mode(0o111))?;
            }
            #[cfg(not(unix))]
            let _ = inside;
        }
        self.run_in(Access::Tests, job)
    }

    fn run_in(&self, access: Access, job: &Job) -> io::Result<Run> {
        let Job {
            work,
            target,
            dir,
            program,
            args,
            env,
            limit,
        } = *job;
        let work_inside = self.work_path(work).join(dir);
        let target_inside = self.target_path(target);
        let home = match &self.bwrap {
            Some(_) => PathBuf::from("/tmp"),
            None => target.join("casa"),
        };
        let cargo_home = match &self.bwrap {
            Some(_) => PathBuf::from(CARGO_HOME),
            None => self.cargo_home.clone(),
        };
        let path = format!(
            "{}:/usr/local/bin:/usr/bin:/bin",
            self.toolchain.join("bin").display()
        );
        let mut variables: Vec<(String, String)> = vec![
            ("PATH".into(), path),
            ("HOME".into(), home.to_string_lossy().into_owned()),
            ("LANG".into(), "C.UTF-8".into()),
            (
                "CARGO_HOME".into(),
                cargo_home.to_string_lossy().into_owned(),
            ),
            (
                "CARGO_TARGET_DIR".into(),
                target_inside.to_string_lossy().into_owned(),
            ),
            ("CARGO".into(), self.cargo()),
            ("CARGO_TERM_COLOR".into(), "never".into()),
            // Sem informação de depuração e sem compilação incremental:
            // compila e liga mais rápido, e a correção não precisa delas.
            ("CARGO_PROFILE_DEV_DEBUG".into(), "false".into()),
            ("CARGO_INCREMENTAL".into(), "0".into()),
            ("RUST_BACKTRACE".into(), "0".into()),
        ];
        variables.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));

        let (mut command, group) = match &self.bwrap {
            Some(bwrap) => {
                let mut words: Vec<OsString> = self
                    .bwrap_args(access, work, target)
                    .into_iter()
                    .map(OsString::from)
                    .collect();
                words.push("--chdir".into());
                words.push(work_inside.into_os_string());
                for (key, value) in &variables {
                    words.extend(["--setenv", key, value].map(OsString::from));
                }
                words.push("--".into());
                if access == Access::Tests && limites::is_root() {
                    // Como root, os testes rodam como nobody: o root abriria
                    // o /proc/PID/fd de qualquer processo, inspecionável ou
                    // não. NO_NEW_PRIVS (o bwrap liga) e nenhuma capacidade.
                    words.extend(
                        [
                            "setpriv",
                            &format!("--reuid={NOBODY}"),
                            &format!("--regid={NOBODY}"),
                            "--clear-groups",
                            "--bounding-set=-all",
                            "--inh-caps=-all",
                            "--",
                        ]
                        .map(OsString::from),
                    );
                }
                words.push(program.into());
                words.extend(args.iter().map(OsString::from));
                let (mut command, group) = self.limiter.wrap(bwrap.clone().into_os_string(), words);
                command.env_clear();
                (command, group)
            }
            None => {
                if !home.exists() {
                    std::fs::create_dir_all(&home)?;
                }
                let (mut command, group) = self
                    .limiter
                    .wrap(program.into(), args.iter().map(OsString::from).collect());
                command.current_dir(&work_inside).env_clear();
                (command, group)
            }
        };
        for (key, value) in &variables {
            command.env(key, value);
        }
        let run = run_with_limit(command, limit);
        let exhausted = group.and_then(limites::Group::finish);
        run.map(|run| Run { exhausted, ..run })
    }

    /// Os argumentos do bwrap: o que a caixa vê e o que ela pode.
    fn bwrap_args(&self, access: Access, work: &Path, target: &Path) -> Vec<String> {
        let mut args: Vec<String> = Vec::new();
        let mut push = |items: &[&str]| args.extend(items.iter().map(|s| s.to_string()));
        let as_nobody = access == Access::Tests && limites::is_root();
        // Tudo separado (rede, processos, usuários, IPC, nome da máquina);
        // a rede nova só tem a loopback. Para virar nobody, o root fica sem
        // um namespace de usuários (nele só o root existiria).
        if as_nobody {
            push(&[
                "--unshare-ipc",
                "--unshare-pid",
                "--unshare-net",
                "--unshare-uts",
                "--unshare-cgroup-try",
            ]);
        } else {
            push(&["--unshare-all"]);
        }
        push(&["--die-with-parent", "--new-session"]);
        // Como root (na CI, por exemplo), nenhum poder especial lá dentro;
        // só o de virar nobody, que o setpriv usa e larga em seguida.
        push(&["--cap-drop", "ALL"]);
        if as_nobody {
            for cap in ["CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP"] {
                push(&["--cap-add", cap]);
            }
        }
        // Nos testes, o programa de teste é o PID 1: o bwrap não fica lá
        // dentro como um processo comum segurando a saída dele.
        if access == Access::Tests {
            push(&["--as-pid-1"]);
        }
        // O sistema, só leitura. Em sistemas com /bin → usr/bin, os links.
        push(&["--ro-bind", "/usr", "/usr"]);
        for dir in ["/bin", "/sbin", "/lib", "/lib32", "/lib64"] {
            match std::fs::read_link(dir) {
                Ok(link) => push(&["--symlink", &link.to_string_lossy(), dir]),
                Err(_) if Path::new(dir).is_dir() => push(&["--ro-bind", dir, dir]),
                Err(_) => {}
            }
        }
        // Do /etc, só o que o compilador, o ligador e a resolução de
        // `localhost` precisam (nada de senhas nem chaves).
        for file in [
            "/etc/alternatives",
            "/etc/ld.so.cache",
            "/etc/ld.so.conf",
            "/etc/ld.so.conf.d",
            "/etc/hosts",
            "/etc/nsswitch.conf",
            "/etc/gai.conf",
            "/etc/passwd",
            "/etc/group",
        ] {
            if Path::new(file).exists() {
                push(&["--ro-bind", file, file]);
            }
        }
        // O Rust, só leitura, no mesmo caminho (o rustc acha a própria
        // biblioteca por ele).
        let toolchain = self.toolchain.to_string_lossy().into_owned();
        if !toolchain.starts_with("/usr/") {
            push(&["--ro-bind", &toolchain, &toolchain]);
        }
        // As dependências já baixadas, só leitura, num CARGO_HOME próprio
        // (sem as credenciais do professor).
        push(&["--tmpfs", CARGO_HOME]);
        for part in ["registry", "git", "config.toml", "config"] {
            let path = self.cargo_home.join(part);
            if path.exists() {
                let inside = format!("{CARGO_HOME}/{part}");
                push(&["--ro-bind", &path.to_string_lossy(), &inside]);
            }
        }
        // A entrega e a pasta de compilação: para escrever só na
        // compilação; nos testes, só leitura.
        let bind = match access {
            Access::Writable => "--bind",
            Access::Tests => "--ro-bind",
        };
        push(&[bind, &work.to_string_lossy(), WORK]);
        push(&[bind, &target.to_string_lossy(), TARGET]);
        push(&["--proc", "/proc", "--dev", "/dev"]);
        // O que se escreve fora delas fica na memória: com tamanho.
        for (dir, size) in [("/tmp", TMP_SIZE), ("/dev/shm", SHM_SIZE)] {
            push(&[
                "--perms",
                "1777",
                "--size",
                &size.to_string(),
                "--tmpfs",
                dir,
            ]);
        }
        // A raiz da caixa e o /dev (também na memória) só para leitura.
        push(&["--remount-ro", "/dev", "--remount-ro", "/"]);
        args
    }
}

/// Roda `command` com as duas saídas em canos e, se passar de `limit`,
/// mata o grupo de processos inteiro.
///
/// Os canos são lidos aqui mesmo, sem threads (com `poll`): quando a
/// máquina não deixa criar mais nada (um `fork` sem fim noutra caixa), a
/// correção não precisa criar nada para continuar. Nunca espera por um cano
/// que um processo que sobrou ainda segure: depois que o comando terminou,
/// a leitura tem no máximo um segundo para acabar, e fica com o que leu.
#[cfg(unix)]
fn run_with_limit(mut command: Command, limit: Duration) -> io::Result<Run> {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    command.stdin(Stdio::null());
    command.process_group(0);
    // Dois canos, um para cada saída: o que os servidores dos testes
    // escrevem na saída de erro não se mistura, no meio de uma linha, ao
    // relatório do harness na saída padrão.
    let (out_reader, out_writer) = pipe()?;
    let (err_reader, err_writer) = pipe()?;
    command.stdout(out_writer).stderr(err_writer);
    let mut child = spawn_patiently(&mut command)?;
    // Fecha as nossas pontas de escrita (ficam no `command`): sem isso o
    // cano nunca terminaria.
    drop(command);
    let mut readers = [Some(out_reader), Some(err_reader)];
    let mut kept: [Vec<u8>; 2] = [Vec::new(), Vec::new()];
    let mut chunk = vec![0u8; 64 * 1024];
    let deadline = Instant::now() + limit;
    let mut ending = None;
    let mut give_up = None;
    loop {
        let mut fds: Vec<libc::pollfd> = readers
            .iter()
            .flatten()
            .map(|r| libc::pollfd {
                fd: r.as_raw_fd(),
                events: libc::POLLIN,
                revents: 0,
            })
            .collect();
        if !fds.is_empty() {
            // SAFETY: `fds` é um vetor nosso de `fds.len()` pollfd válidos.
            unsafe {
                libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, 20);
            }
        } else {
            thread::sleep(Duration::from_millis(20));
        }
        for (reader, kept) in readers.iter_mut().zip(kept.iter_mut()) {
            // Lê o que há, sem esperar (os canos são não bloqueantes).
            while let Some(file) = reader.as_mut() {
                match file.read(&mut chunk) {
                    Ok(0) => *reader = None,
                    Ok(n) => {
                        let room = MAX_OUTPUT.saturating_sub(kept.len());
                        kept.extend_from_slice(&chunk[..n.min(room)]);
                    }
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
                    Err(_) => *reader = None,
                }
            }
        }
        if ending.is_none() {
            if let Some(status) = child.try_wait()? {
                ending = Some(Ending::Exited(status.code()));
            } else if Instant::now() >= deadline {
                kill_group(&child);
                let _ = child.kill();
                let _ = child.wait();
                ending = Some(Ending::TimedOut);
            }
            if ending.is_some() {
                // Com isolamento, tudo o que o comando criou já morreu e o
                // cano fechou. Sem isolamento, um processo que fugiu pode
                // segurá-lo: não esperamos.
                kill_group(&child);
                give_up = Some(Instant::now() + Duration::from_secs(1));
            }
        }
        if let (Some(ending), Some(give_up)) = (ending, give_up) {
            if readers.iter().all(Option::is_none) || Instant::now() >= give_up {
                let [output, errors] = kept.map(|k| String::from_utf8_lossy(&k).into_owned());
                return Ok(Run {
                    ending,
                    output,
                    errors,
                    exhausted: None,
                });
            }
        }
    }
}

/// Sem `poll` (fora do Unix): uma thread por saída, criada com cuidado.
#[cfg(not(unix))]
fn run_with_limit(mut command: Command, limit: Duration) -> io::Result<Run> {
    use std::sync::{Arc, Mutex};
    command.stdin(Stdio::null());
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = spawn_patiently(&mut command)?;
    let mut readers: Vec<Box<dyn Read + Send>> = Vec::new();
    if let Some(out) = child.stdout.take() {
        readers.push(Box::new(out));
    }
    if let Some(err) = child.stderr.take() {
        readers.push(Box::new(err));
    }
    let buffers: Vec<Arc<Mutex<Vec<u8>>>> = (0..2).map(|_| Arc::default()).collect();
    for (mut reader, collected) in readers.into_iter().zip(buffers.iter().cloned()) {
        thread::Builder::new().spawn(move || {
            let mut chunk = vec![0u8; 64 * 1024];
            while let Ok(n) = reader.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                let mut kept = collected.lock().unwrap_or_else(|e| e.into_inner());
                let room = MAX_OUTPUT.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..n.min(room)]);
            }
        })?;
    }
    let deadline = Instant::now() + limit;
    let ending = loop {
        if let Some(status) = child.try_wait()? {
            break Ending::Exited(status.code());
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break Ending::TimedOut;
        }
        thread::sleep(Duration::from_millis(20));
    };
    thread::sleep(Duration::from_millis(200));
    let text = |index: usize| {
        let bytes = buffers[index].lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    };
    Ok(Run {
        ending,
        output: text(0),
        errors: text(1),
        exhausted: None,
    })
}

/// `command.spawn()`, tentando de novo quando a máquina não deixa criar um
/// processo agora (`EAGAIN`, `ENOMEM`): espera um pouco, até
/// [`SPAWN_TRIES`] vezes, e só então devolve o erro.
fn spawn_patiently(command: &mut Command) -> io::Result<std::process::Child> {
    let mut tries = 0;
    loop {
        match command.spawn() {
            Ok(child) => return Ok(child),
            Err(err)
                if tries + 1 < SPAWN_TRIES
                    && (err.kind() == io::ErrorKind::WouldBlock
                        || err.kind() == io::ErrorKind::OutOfMemory
                        || err.raw_os_error() == Some(11)
                        || err.raw_os_error() == Some(12)) =>
            {
                tries += 1;
                thread::sleep(SPAWN_PAUSE);
            }
            Err(err) => return Err(err),
        }
    }
}

/// Um cano (as duas pontas), que não passa para os processos filhos além
/// de onde o pusermos (`O_CLOEXEC`).
#[cfg(unix)]
fn pipe() -> io::Result<(std::fs::File, std::fs::File)> {
    use std::os::fd::FromRawFd;
    let mut fds: [libc::c_int; 2] = [-1, -1];
    // SAFETY: `pipe` escreve dois descritores novos em `fds`, que tem lugar
    // para os dois.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    for fd in fds {
        // SAFETY: `fd` acabou de ser criado por `pipe` e é nosso.
        unsafe {
            libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
        }
    }
    // A ponta de leitura não bloqueia: lemos só o que já chegou.
    // SAFETY: idem; só muda uma flag do descritor de leitura.
    unsafe {
        let flags = libc::fcntl(fds[0], libc::F_GETFL);
        libc::fcntl(fds[0], libc::F_SETFL, flags | libc::O_NONBLOCK);
    }
    // SAFETY: os dois descritores são novos e de mais ninguém; cada `File`
    // passa a ser o único dono de um deles.
    Ok(unsafe {
        (
            std::fs::File::from_raw_fd(fds[0]),
            std::fs::File::from_raw_fd(fds[1]),
        )
    })
}

/// Manda SIGKILL ao grupo de processos do filho (criado com
/// `process_group(0)`). Direto pelo sistema, sem o comando `kill`: o do
/// procps lê mal um "-PGID" e pode mandar o sinal para -1, isto é, para
/// todos os processos do usuário. (Só no Unix: é quem usa os grupos.)
#[cfg(unix)]
fn kill_group(child: &std::process::Child) {
    if let Some(group) = libc::pid_t::try_from(child.id()).ok().filter(|g| *g > 1) {
        // SAFETY: killpg só manda um sinal, ao grupo que criamos para este
        // filho; se o grupo já acabou, devolve ESRCH e nada acontece.
        unsafe {
            libc::killpg(group, libc::SIGKILL);
        }
    }
}

/// A pasta do Rust que compila a correção: a do `cargo` que nos rodou.
fn toolchain() -> Result<PathBuf, String> {
    let rustc = std::env::var_os("RUSTC")
        .map(PathBuf::from)
        .or_else(|| {
            let cargo = PathBuf::from(std::env::var_os("CARGO")?);
            let rustc = cargo.with_file_name(format!("rustc{}", std::env::consts::EXE_SUFFIX));
            rustc.exists().then_some(rustc)
        })
        .unwrap_or_else(|| PathBuf::from("rustc"));
    let output = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("não foi possível rodar {}: {e}", rustc.display()))?;
    let sysroot = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if !output.status.success() || sysroot.is_empty() {
        return Err(format!("{} --print sysroot falhou", rustc.display()));
    }
    Ok(PathBuf::from(sysroot))
}

/// O `CARGO_HOME` do professor.
fn cargo_home() -> Result<PathBuf, String> {
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        return Ok(PathBuf::from(home));
    }
    let home = std::env::var_os("HOME").ok_or("sem $HOME nem $CARGO_HOME")?;
    Ok(PathBuf::from(home).join(".cargo"))
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn tempo_limite_mata_o_grupo_inteiro() {
        let started = Instant::now();
        let run = run_with_limit(shell("sleep 30 & sleep 30"), Duration::from_millis(300)).unwrap();
        assert_eq!(run.ending, Ending::TimedOut);
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn processo_que_fugiu_nao_prende_a_leitura() {
        // Sem caixa, um `setsid` sai do grupo e segura o cano: a leitura
        // desiste em um segundo e fica com o que já leu.
        let started = Instant::now();
        let run =
            run_with_limit(shell("setsid sleep 4 & echo oi"), Duration::from_secs(20)).unwrap();
        assert_eq!(run.ending, Ending::Exited(Some(0)));
        assert_eq!(run.output.trim(), "oi");
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn saida_sem_fim_fica_limitada() {
        let run = run_with_limit(
            shell("head -c 20000000 /dev/zero | tr '\\0' x; echo fim >&2"),
            Duration::from_secs(60),
        )
        .unwrap();
        assert!(run.success());
        assert_eq!(run.output.len(), MAX_OUTPUT);
        assert_eq!(run.errors, "fim\n", "a saída de erro vem à parte");
    }

    #[test]
    fn nos_testes_ninguem_escreve_no_relatorio_nem_fora_do_tmp() {
        let sandbox = match Sandbox::isolated() {
            Ok(sandbox) => sandbox,
            Err(err) => return crate::skip(&err),
        };
        let dir = std::env::temp_dir().join(format!("caixa-testes-{}", std::process::id()));
        let (work, target) = (dir.join("entrega"), dir.join("alvo"));
        std::fs::create_dir_all(work.join("tests")).unwrap();
        std::fs::create_dir_all(&target).unwrap();
        // O "programa de teste" é uma cópia do sh, na pasta de compilação.
        // Um filho dele (um processo comum, como um servidor do aluno) tenta
        // escrever na saída dele pelo /proc e fora do /tmp.
        std::fs::copy("/bin/sh", target.join("harness")).unwrap();
        let child = "echo FORJADO > /proc/1/fd/1; echo FORJADO > /proc/$PPID/fd/1; \
                     touch /entrega/x /alvo/x /x /dev/x; \
                     head -c 20000000 /dev/zero > /dev/shm/grande; \
                     echo tmp > /tmp/t && cat /tmp/t >&2";
        let script = format!("sh -c '{child}'; echo fim");
        let run = sandbox
            .run_tests(&Job {
                work: &work,
                target: &target,
                dir: "tests",
                program: "/alvo/harness",
                args: &["-c", &script],
                env: &[],
                limit: Duration::from_secs(20),
            })
            .unwrap();
        assert!(run.success(), "{}", run.all());
        assert_eq!(run.output, "fim\n", "{}", run.errors);
        assert!(run.errors.contains("tmp"), "{}", run.errors);
        assert!(run.errors.contains("No space left"), "{}", run.errors);
        for place in [work.join("x"), target.join("x")] {
            assert!(!place.exists(), "{} foi escrito", place.display());
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn na_caixa_nada_sobra_e_a_rede_e_so_a_loopback() {
        let sandbox = match Sandbox::isolated() {
            Ok(sandbox) => sandbox,
            Err(err) => return crate::skip(&err),
        };
        let dir = std::env::temp_dir().join(format!("caixa-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mark = format!("7.{}", std::process::id());
        let script = format!(
            "setsid sleep {mark} & echo oi > /entrega/dentro; echo x > /tmp/t && \
             cat /proc/net/dev | grep -c : ; ls /root/.cargo; echo fim"
        );
        let started = Instant::now();
        let run = sandbox
            .run(&Job::new(
                &dir,
                "sh",
                &["-c", &script],
                Duration::from_secs(20),
            ))
            .unwrap();
        assert!(run.success(), "{}", run.all());
        assert!(started.elapsed() < Duration::from_secs(5));
        // Só a interface lo (uma linha com ':' além do cabeçalho).
        let lines: Vec<&str> = run.output.lines().collect();
        assert_eq!(lines.first(), Some(&"1"), "{}", run.output);
        assert!(run.errors.contains("No such file"), "{}", run.all());
        assert_eq!(std::fs::read_to_string(dir.join("dentro")).unwrap(), "oi\n");
        let alive = std::fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
            .any(|c| String::from_utf8_lossy(&c).contains(&mark));
        assert!(!alive, "o sleep do setsid sobreviveu à caixa");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
