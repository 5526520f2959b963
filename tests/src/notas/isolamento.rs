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
//! - o sistema e o Rust só para leitura; para escrever, só a entrega
//!   (`/entrega`), a pasta de compilação (`/alvo`) e um `/tmp` próprio e
//!   pequeno;
//! - sem ver o `$HOME` do professor, a solução de referência nem as outras
//!   entregas; ambiente mínimo (nenhuma variável do professor passa).
//!
//! Sem isolamento (`--sem-isolamento`) o comando roda como um processo comum
//! do professor, num grupo de processos próprio: o tempo-limite ainda vale,
//! mas um processo que saia do grupo pode sobreviver, e o código do aluno
//! lê e escreve o que o professor pode.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// Quanto da saída de um comando guardamos: o bastante para achar o erro de
/// compilação e o relatório dos testes; o resto é lido e descartado (um
/// teste que escreve sem parar não enche a memória nem o disco).
pub const MAX_OUTPUT: usize = 4 << 20;

/// O tamanho do `/tmp` da caixa: os testes quase não o usam; o limite
/// impede que um programa encha a memória da máquina escrevendo ali.
const TMP_SIZE: u64 = 256 << 20;

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
        let sandbox = Sandbox {
            bwrap: Some(bwrap),
            ..Sandbox::unisolated()?
        };
        // Uma caixa vazia, para saber se o sistema permite (alguns desligam
        // os user namespaces).
        let empty = std::env::temp_dir().join(format!("avaliacao-sonda-{}", std::process::id()));
        std::fs::create_dir_all(&empty).map_err(|e| format!("{}: {e}", empty.display()))?;
        let probe = sandbox.run(
            &empty,
            &empty,
            "",
            "true",
            &[],
            &[],
            Duration::from_secs(20),
        );
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
        })
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

    /// Roda `program args...` na subpasta `dir` de `work` (a pasta de
    /// trabalho da entrega, que o comando pode mudar) com a pasta de
    /// compilação `target`, as variáveis `env` e no máximo `limit`. Ao
    /// voltar, nenhum processo que o comando criou está vivo (com isolamento).
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        &self,
        work: &Path,
        target: &Path,
        dir: &str,
        program: &str,
        args: &[&str],
        env: &[(&str, &str)],
        limit: Duration,
    ) -> io::Result<Run> {
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

        let mut command = match &self.bwrap {
            Some(bwrap) => {
                let mut command = Command::new(bwrap);
                command.args(self.bwrap_args(work, target));
                command.arg("--chdir").arg(&work_inside);
                for (key, value) in &variables {
                    command.args(["--setenv", key, value]);
                }
                command.arg("--").arg(program).args(args);
                command.env_clear();
                command
            }
            None => {
                if !home.exists() {
                    std::fs::create_dir_all(&home)?;
                }
                let mut command = Command::new(program);
                command.args(args).current_dir(&work_inside).env_clear();
                command
            }
        };
        for (key, value) in &variables {
            command.env(key, value);
        }
        run_with_limit(command, limit)
    }

    /// Os argumentos do bwrap: o que a caixa vê e o que ela pode.
    fn bwrap_args(&self, work: &Path, target: &Path) -> Vec<String> {
        let mut args: Vec<String> = Vec::new();
        let mut push = |items: &[&str]| args.extend(items.iter().map(|s| s.to_string()));
        // Tudo separado (rede, processos, usuários, IPC, nome da máquina);
        // a rede nova só tem a loopback.
        push(&["--unshare-all", "--die-with-parent", "--new-session"]);
        // Como root (na CI, por exemplo), nenhum poder especial lá dentro.
        push(&["--cap-drop", "ALL"]);
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
        // O que ela pode mudar: a entrega e a pasta de compilação.
        push(&["--bind", &work.to_string_lossy(), WORK]);
        push(&["--bind", &target.to_string_lossy(), TARGET]);
        push(&["--size", &TMP_SIZE.to_string(), "--tmpfs", "/tmp"]);
        push(&["--proc", "/proc", "--dev", "/dev"]);
        args
    }
}

/// Roda `command` com a saída juntada num cano lido por uma thread e,
/// se passar de `limit`, mata o grupo de processos inteiro.
///
/// Nunca espera por um cano que um processo que sobrou ainda segure: depois
/// que o comando terminou, a leitura tem no máximo um segundo para acabar, e
/// fica com o que leu até ali.
fn run_with_limit(mut command: Command, limit: Duration) -> io::Result<Run> {
    command.stdin(Stdio::null());
    // Dois canos, um para cada saída: o que os servidores dos testes
    // escrevem na saída de erro não se mistura, no meio de uma linha, ao
    // relatório do harness na saída padrão.
    #[cfg(unix)]
    let readers: Vec<Box<dyn Read + Send>> = {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
        let (out_reader, out_writer) = pipe()?;
        let (err_reader, err_writer) = pipe()?;
        command.stdout(out_writer).stderr(err_writer);
        vec![Box::new(out_reader), Box::new(err_reader)]
    };
    #[cfg(not(unix))]
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn()?;
    // Fecha as nossas pontas de escrita (ficam no `command`): sem isso o
    // cano nunca terminaria.
    drop(command);
    #[cfg(not(unix))]
    let readers: Vec<Box<dyn Read + Send>> = {
        let mut readers: Vec<Box<dyn Read + Send>> = Vec::new();
        if let Some(out) = child.stdout.take() {
            readers.push(Box::new(out));
        }
        if let Some(err) = child.stderr.take() {
            readers.push(Box::new(err));
        }
        readers
    };
    let buffers: Vec<Arc<Mutex<Vec<u8>>>> = readers
        .iter()
        .map(|_| Arc::new(Mutex::new(Vec::new())))
        .collect();
    let pending = Arc::new(std::sync::atomic::AtomicUsize::new(readers.len()));
    for (mut reader, collected) in readers.into_iter().zip(buffers.iter().cloned()) {
        let pending = Arc::clone(&pending);
        thread::spawn(move || {
            let mut chunk = vec![0u8; 64 * 1024];
            loop {
                match reader.read(&mut chunk) {
                    Ok(0) => break,
                    Ok(n) => {
                        let mut kept = collected.lock().unwrap_or_else(|e| e.into_inner());
                        let room = MAX_OUTPUT.saturating_sub(kept.len());
                        kept.extend_from_slice(&chunk[..n.min(room)]);
                    }
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            pending.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
        });
    }
    let deadline = Instant::now() + limit;
    let ending = loop {
        if let Some(status) = child.try_wait()? {
            break Ending::Exited(status.code());
        }
        if Instant::now() >= deadline {
            kill_group(&child);
            let _ = child.kill();
            let _ = child.wait();
            break Ending::TimedOut;
        }
        thread::sleep(Duration::from_millis(20));
    };
    // Com isolamento, tudo o que o comando criou já morreu e o cano fechou.
    // Sem isolamento, um processo que fugiu pode segurá-lo: não esperamos.
    kill_group(&child);
    let waited = Instant::now();
    while pending.load(std::sync::atomic::Ordering::SeqCst) > 0
        && waited.elapsed() < Duration::from_secs(1)
    {
        thread::sleep(Duration::from_millis(5));
    }
    let text = |index: usize| {
        buffers.get(index).map_or_else(String::new, |buffer| {
            let bytes = buffer.lock().unwrap_or_else(|e| e.into_inner());
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    Ok(Run {
        ending,
        output: text(0),
        errors: text(1),
    })
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
/// todos os processos do usuário.
fn kill_group(child: &std::process::Child) {
    #[cfg(unix)]
    if let Some(group) = libc::pid_t::try_from(child.id()).ok().filter(|g| *g > 1) {
        // SAFETY: killpg só manda um sinal, ao grupo que criamos para este
        // filho; se o grupo já acabou, devolve ESRCH e nada acontece.
        unsafe {
            libc::killpg(group, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = child;
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
    fn na_caixa_nada_sobra_e_a_rede_e_so_a_loopback() {
        let Ok(sandbox) = Sandbox::isolated() else {
            eprintln!("NÃO RODOU: sem bubblewrap nesta máquina");
            return;
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
            .run(
                &dir,
                &dir,
                "",
                "sh",
                &["-c", &script],
                &[],
                Duration::from_secs(20),
            )
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
