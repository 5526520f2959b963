//! Todo comando do livro roda como está escrito.
//!
//! O teste lê todas as páginas de `docs/src`, tira delas cada comando (as
//! linhas que começam com `$ ` em qualquer bloco e as linhas dos blocos
//! ` ```sh `) e roda um por um, na ordem da página, como um aluno na raiz do
//! projeto. Tudo roda dentro de um namespace de rede e de usuário sem
//! privilégios (`unshare --user --map-root-user --net`), que só tem a
//! loopback: a porta 12000 dos comandos é a desse namespace, livre, e nada sai
//! da máquina.
//!
//! - `cargo run [--release] -p PACOTE [--example EX] -- ARGS` roda o programa
//!   já compilado (perfil de teste, sem `--release`: o comando é o mesmo, só o
//!   tempo muda); o pacote e o exemplo têm de existir.
//! - Um servidor (subcomando `servidor`, um `*_servidor*` das notas) é
//!   iniciado, conferido (está vivo e abriu um socket) e fica no ar para os
//!   comandos seguintes da página, até o próximo servidor ou o fim da página,
//!   quando recebe um Ctrl+C, como no terminal.
//! - Os demais rodam até o fim (no máximo [`LIMITE`]) com a entrada `olá` (os
//!   clientes que perguntam a frase) e falham com código diferente de zero,
//!   "command not found" ou arquivo que não existe.
//! - `cargo test` e `cargo bench` não rodam aqui (seriam um teste dentro do
//!   teste): o pacote, o alvo (`--test`, `--bench`) e o filtro têm de existir.
//! - Os comandos que não podem rodar aqui estão na tabela [`NAO_RODAM`], cada
//!   um com o motivo; mesmo eles têm os caminhos conferidos.
//!
//! Os comandos rodam numa pasta temporária que espelha a raiz do workspace
//! (um link para cada item dela): o que um comando grava (`servidor.log`,
//! `fluxo.csv`) não suja o projeto.
#![cfg(target_os = "linux")]

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use avaliacao::{PATIENCE, build_programs, wait_child, workspace_root};
use professor::livro::pages;

/// Quanto um comando que termina sozinho pode levar (os `bench` do livro
/// rodam 3 s; a transferência de 256 MiB sem otimizações leva mais).
const LIMITE: Duration = Duration::from_secs(60);

/// Os comandos que o teste não roda, e por quê. Um comando cai aqui se
/// contém o trecho da esquerda. Mantenha a tabela curta: cada linha é um
/// comando que o aluno roda sem o teste ter rodado antes.
const NAO_RODAM: &[(&str, &str)] = &[
    (
        "tests/lab/laboratorio.sh",
        "leva mais de um minuto; roda no teste laboratorio.rs",
    ),
    (
        "docs/captura/capturar.sh",
        "precisa de root de verdade e do tcpdump (captura na loopback da máquina)",
    ),
    ("tcpdump ", "precisa do tcpdump e de root"),
    (
        "mdbook serve",
        "abre o navegador; o livro é montado pelo `mdbook build docs` da CI",
    ),
    ("cargo install", "baixa da internet"),
    (
        "cargo mutants",
        "precisa do cargo-mutants e leva 25 minutos",
    ),
    (
        "docs/mutantes.sh",
        "precisa do cargo-mutants, leva 25 minutos e muda o código enquanto roda",
    ),
    (
        "kit ../kit-turma",
        "grava fora do projeto; o kit é testado no teste kit.rs",
    ),
    (
        "cd ../kit-turma",
        "precisa do kit gerado antes; o teste kit.rs compila o kit",
    ),
    (
        "notas entregas/",
        "precisa das entregas de uma turma; o teste correcao.rs corrige turmas geradas",
    ),
    ("xcode-select", "só existe no macOS"),
    ("sh.rustup.rs", "baixa e instala o Rust da internet"),
    (
        "notas turma.zip",
        "precisa do arquivo e da planilha do Moodle de uma turma; o teste moodle.rs corrige uma turma gerada",
    ),
];

/// Comandos que terminam com código diferente de zero de propósito.
const TERMINAM_COM_ERRO: &[(&str, &str)] = &[(
    "grep ':2EE0 ' /proc/net/tcp",
    "o grep sai com 1 quando não há nenhuma conexão em TIME_WAIT na porta",
)];

/// Um comando do livro: página, linha e o texto (sem o `$ `).
#[derive(Debug, Clone)]
struct Comando {
    pagina: String,
    linha: usize,
    texto: String,
}

impl std::fmt::Display for Comando {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: `{}`", self.pagina, self.linha, self.texto)
    }
}

/// Os comandos de uma página: as linhas `$ ` de qualquer bloco e todas as
/// linhas dos blocos `sh`/`bash` (menos comentários e includes); uma linha
/// terminada em `\` continua na seguinte.
fn comandos(pagina: &str, texto: &str) -> Vec<Comando> {
    let mut achados = Vec::new();
    let mut bloco: Option<bool> = None; // Some(é um bloco de shell)
    let mut pendente: Option<Comando> = None;
    for (indice, linha) in texto.lines().enumerate() {
        let aparada = linha.trim_start();
        if let Some(info) = aparada.strip_prefix("```") {
            bloco = match bloco {
                Some(_) => None,
                None => Some(matches!(
                    info.split(',').next().map(str::trim),
                    Some("sh" | "bash")
                )),
            };
            continue;
        }
        let Some(shell) = bloco else { continue };
        if let Some(mut anterior) = pendente.take() {
            anterior.texto = format!("{} {}", anterior.texto, aparada.trim_end_matches('\\'));
            if aparada.ends_with('\\') {
                pendente = Some(anterior);
            } else {
                achados.push(anterior);
            }
            continue;
        }
        let comando = match aparada.strip_prefix("$ ") {
            Some(resto) => resto,
            None if shell && !aparada.starts_with('#') && !aparada.starts_with("{{#") => aparada,
            None => continue,
        };
        if comando.trim().is_empty() {
            continue;
        }
        let novo = Comando {
            pagina: pagina.to_string(),
            linha: indice + 1,
            texto: comando.trim_end_matches('\\').trim_end().to_string(),
        };
        if comando.ends_with('\\') {
            pendente = Some(novo);
        } else {
            achados.push(novo);
        }
    }
    achados
}

#[test]
fn a_extracao_pega_linhas_com_dolar_e_blocos_sh() {
    let pagina = "texto\n```text\n$ cargo run -p udp-echo -- servidor\nsaída\n```\n\
                  ```sh\n# comentário\ncargo test -p avaliacao \\\n    --test udp\n\
                  {{#include x.sh:a}}\n```\n```console\n$ ls\nsaída\n```\n`nao roda`\n";
    let achados: Vec<(usize, String)> = comandos("p.md", pagina)
        .into_iter()
        .map(|c| (c.linha, c.texto))
        .collect();
    assert_eq!(
        achados,
        [
            (3, "cargo run -p udp-echo -- servidor".to_string()),
            (8, "cargo test -p avaliacao --test udp".to_string()),
            (13, "ls".to_string()),
        ]
    );
}

/// Todos os comandos do livro, página por página.
fn comandos_do_livro(raiz: &Path) -> Vec<Comando> {
    let mut todos = Vec::new();
    for pagina in pages(raiz) {
        let texto = fs::read_to_string(&pagina).expect("página do livro");
        let nome = pagina
            .strip_prefix(raiz)
            .unwrap_or(&pagina)
            .display()
            .to_string();
        todos.extend(comandos(&nome, &texto));
    }
    todos
}

/// As palavras de um comando, com as aspas simples e duplas tiradas (o
/// suficiente para achar os caminhos e as opções).
fn palavras(texto: &str) -> Vec<String> {
    let mut palavras = Vec::new();
    let mut atual = String::new();
    let mut aspas: Option<char> = None;
    for c in texto.chars() {
        match (aspas, c) {
            (Some(a), c) if c == a => aspas = None,
            (Some(_), c) => atual.push(c),
            (None, '\'' | '"') => aspas = Some(c),
            (None, c) if c.is_whitespace() => {
                if !atual.is_empty() {
                    palavras.push(std::mem::take(&mut atual));
                }
            }
            (None, c) => atual.push(c),
        }
    }
    if !atual.is_empty() {
        palavras.push(atual);
    }
    palavras
}

/// Os problemas que se veem sem rodar: um caminho do projeto que não existe,
/// um programa que não está instalado, um `cargo test` com alvo errado.
fn problemas_estaticos(raiz: &Path, comando: &Comando) -> Vec<String> {
    let mut problemas = Vec::new();
    let palavras = palavras(&comando.texto);
    for palavra in &palavras {
        let caminho = palavra.trim_end_matches([',', ';', ')']);
        let do_projeto = ["docs/", "tests/", "common/", "udp-echo/", "tcp-echo/"]
            .iter()
            .any(|p| caminho.starts_with(p));
        if do_projeto && !raiz.join(caminho).exists() {
            problemas.push(format!("{comando}: o arquivo {caminho} não existe"));
        }
    }
    // O programa: a primeira palavra depois de VAR=valor e de sudo (sem o
    // `(` de um subshell).
    let programa = palavras
        .iter()
        .map(|p| p.trim_start_matches('('))
        .find(|p| !p.contains('=') && *p != "sudo");
    if let Some(programa) = programa {
        let instalado = Command::new("sh")
            .args(["-c", &format!("command -v '{programa}'")])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        let sem_ferramenta = NAO_RODAM.iter().any(|(t, _)| t.starts_with(programa));
        if !instalado && !sem_ferramenta {
            problemas.push(format!("{comando}: command not found: {programa}"));
        }
    }
    if let Some(i) = palavras.windows(2).position(|w| w[0] == "cargo") {
        let sub = palavras.get(i + 1).map(String::as_str);
        if matches!(sub, Some("test" | "bench" | "run" | "build")) {
            problemas.extend(alvos_do_cargo(raiz, comando, &palavras[i + 1..]));
        }
    }
    problemas
}

/// Confere `-p`, `--test`, `--bench`, `--example` e o filtro de um comando do
/// cargo contra os arquivos do workspace.
fn alvos_do_cargo(raiz: &Path, comando: &Comando, args: &[String]) -> Vec<String> {
    let mut problemas = Vec::new();
    let mut testes = Vec::new();
    let mut i = 1;
    let mut filtro = None;
    // Os testes e benches do `professor` moram na pasta dele.
    let mut pasta = "tests";
    while i < args.len() {
        let valor = args.get(i + 1).map(String::as_str).unwrap_or("");
        match args[i].as_str() {
            "--" | "|" | "&&" | ">" => break,
            "-p" => {
                if !["udp-echo", "tcp-echo", "avaliacao", "professor", "common"].contains(&valor) {
                    problemas.push(format!("{comando}: o pacote {valor} não existe"));
                }
                if valor == "professor" {
                    pasta = "tests/professor";
                }
                i += 1;
            }
            "--test" => {
                testes.push(valor.to_string());
                if !raiz.join(format!("{pasta}/tests/{valor}.rs")).exists() {
                    problemas.push(format!("{comando}: o teste {valor} não existe"));
                }
                i += 1;
            }
            "--bench" => {
                if !raiz.join(format!("{pasta}/benches/{valor}.rs")).exists() {
                    problemas.push(format!("{comando}: o bench {valor} não existe"));
                }
                i += 1;
            }
            "--example" => {
                let existe = ["udp-echo", "tcp-echo"]
                    .iter()
                    .any(|p| raiz.join(format!("{p}/examples/{valor}.rs")).exists());
                if !existe {
                    problemas.push(format!("{comando}: o exemplo {valor} não existe"));
                }
                i += 1;
            }
            "--release" | "--quiet" | "--locked" => {}
            outro if outro.starts_with('-') => {
                problemas.push(format!(
                    "{comando}: opção do cargo que o teste não conhece: {outro}"
                ));
            }
            outro => filtro = Some(outro.to_string()),
        }
        i += 1;
    }
    if let Some(filtro) = filtro {
        let existe = testes.iter().any(|t| {
            fs::read_to_string(raiz.join(format!("{pasta}/tests/{t}.rs")))
                .is_ok_and(|codigo| codigo.contains(&format!("fn {filtro}")))
        });
        if !existe {
            problemas.push(format!("{comando}: nenhum teste começa com {filtro}"));
        }
    }
    problemas
}

/// Por que o comando não roda aqui, se está na tabela.
fn nao_roda(comando: &Comando) -> Option<&'static str> {
    NAO_RODAM
        .iter()
        .find(|(trecho, _)| comando.texto.contains(trecho))
        .map(|(_, motivo)| *motivo)
}

/// Os comandos do cargo que o teste só confere (não roda).
fn so_confere(comando: &Comando) -> bool {
    let p = palavras(&comando.texto);
    p.windows(2)
        .any(|w| w[0] == "cargo" && matches!(w[1].as_str(), "test" | "bench"))
}

/// Um servidor: fica no ar até o próximo servidor ou o fim da página. (Com
/// `--help`, só mostra a ajuda e sai.) Os passos dos capítulos também são
/// servidores: `servidor_1_maiusculas`, `tcp_servidor_3_threads`.
fn e_servidor(comando: &Comando) -> bool {
    let p = palavras(&comando.texto);
    let ajuda = p.iter().any(|w| w == "--help" || w == "-h");
    !ajuda
        && p.iter().map(|w| w.trim_end_matches(')')).any(|w| {
            w == "servidor"
                || w.starts_with("servidor_")
                || w.contains("_servidor_")
                || w.ends_with("_servidor.py")
        })
}

/// O começo do script que roda cada comando: `cargo run` vira o programa já
/// compilado, e `cargo build`, nada (o teste já compilou tudo); os outros
/// subcomandos do cargo não rodam aqui.
const PRELUDIO: &str = r#"set -o pipefail
cargo() {
  [ "$1" = build ] && return 0
  [ "$1" = run ] || { echo "livro_comandos: só 'cargo run' roda aqui: cargo $*" >&2; return 97; }
  shift
  local pacote= exemplo=
  while [ $# -gt 0 ]; do
    case $1 in
      --release) shift ;;
      -p) pacote=$2; shift 2 ;;
      --example) exemplo=$2; shift 2 ;;
      --) shift; break ;;
      *) echo "cargo run: opção que o teste não conhece: $1" >&2; return 2 ;;
    esac
  done
  case $pacote in udp-echo | tcp-echo | avaliacao | professor) ;; *)
    echo "cargo run: pacote que não existe: '$pacote'" >&2; return 101 ;;
  esac
  if [ -n "$exemplo" ]; then
    [ -x "$LIVRO_BIN/examples/$exemplo" ] || { echo "cargo run: o exemplo $exemplo não existe" >&2; return 101; }
    "$LIVRO_BIN/examples/$exemplo" "$@"
  else
    "$LIVRO_BIN/$pacote" "$@"
  fi
}
"#;

/// Um comando rodando num grupo de processos só dele.
fn inicia(comando: &Comando, pasta: &Path, bin: &Path, entrada: Stdio) -> Child {
    let mut comando_bash = Command::new("bash");
    comando_bash
        .arg("-c")
        .arg(format!("{PRELUDIO}\n{}", comando.texto))
        .current_dir(pasta)
        .env("LIVRO_BIN", bin)
        .env("TCP_ECHO", bin.join("tcp-echo"))
        .stdin(entrada)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    // Quem roda o teste em segundo plano (`cargo test &`) deixa o Ctrl+C
    // ignorado, e isso passa aos filhos: o Python ignoraria o nosso Ctrl+C.
    // SAFETY: signal é seguro entre o fork e o exec.
    unsafe {
        comando_bash.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    comando_bash.spawn().expect("bash")
}

/// Ctrl+C no grupo inteiro (o bash e o programa), e espera.
fn interrompe(filho: &mut Child) {
    // SAFETY: kill só manda um sinal ao grupo que o teste criou.
    unsafe {
        libc::kill(-(filho.id() as i32), libc::SIGINT);
    }
    if wait_child(filho, PATIENCE).is_none() {
        // SAFETY: idem, com SIGKILL: o grupo não saiu com o Ctrl+C.
        unsafe {
            libc::kill(-(filho.id() as i32), libc::SIGKILL);
        }
    }
}

/// Os sockets abertos no namespace: TCP em LISTEN e qualquer UDP.
fn sockets_abertos() -> usize {
    let conta = |arquivo: &str, so_listen: bool| {
        fs::read_to_string(arquivo)
            .unwrap_or_default()
            .lines()
            .skip(1)
            .filter(|l| !so_listen || l.split_whitespace().nth(3) == Some("0A"))
            .count()
    };
    conta("/proc/net/tcp", true)
        + conta("/proc/net/tcp6", true)
        + conta("/proc/net/udp", false)
        + conta("/proc/net/udp6", false)
}

/// Lê uma saída inteira numa thread.
fn le(pipe: impl std::io::Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut texto = String::new();
        for linha in BufReader::new(pipe).lines() {
            match linha {
                Ok(l) => {
                    texto.push_str(&l);
                    texto.push('\n');
                }
                Err(_) => break,
            }
        }
        texto
    })
}

/// Um problema de "não roda como escrito" na saída de erro.
fn erro_de_comando(stderr: &str) -> Option<&str> {
    [
        "command not found",
        "No such file or directory",
        "não existe",
        "opção desconhecida",
        "argumento inesperado",
        "unexpected argument",
        "syntax error",
        "só 'cargo run' roda aqui",
        "cargo run:",
    ]
    .into_iter()
    .find(|t| stderr.contains(t))
}

/// Um servidor no ar, com as saídas sendo lidas.
struct NoAr {
    comando: Comando,
    filho: Child,
    stderr: thread::JoinHandle<String>,
}

fn para(servidor: NoAr, problemas: &mut Vec<String>) {
    let NoAr {
        comando,
        mut filho,
        stderr,
    } = servidor;
    interrompe(&mut filho);
    let stderr = stderr.join().unwrap_or_default();
    if let Some(erro) = erro_de_comando(&stderr) {
        problemas.push(format!("{comando}: {erro}\n{stderr}"));
    }
}

/// Roda os comandos de uma página, em ordem; devolve os problemas.
fn roda_pagina(comandos: &[Comando], pasta: &Path, bin: &Path) -> Vec<String> {
    let mut problemas = Vec::new();
    let mut servidor: Option<NoAr> = None;
    for comando in comandos {
        if nao_roda(comando).is_some() || so_confere(comando) {
            continue;
        }
        if e_servidor(comando) {
            if let Some(anterior) = servidor.take() {
                para(anterior, &mut problemas);
            }
            let antes = Instant::now();
            let mut filho = inicia(comando, pasta, bin, Stdio::null());
            let stdout = le(filho.stdout.take().expect("stdout"));
            drop(stdout); // a saída é lida (e descartada) até o servidor parar
            let stderr = le(filho.stderr.take().expect("stderr"));
            // Pronto: abriu um socket. Saiu antes disso: não rodou.
            let mut pronto = false;
            while antes.elapsed() < PATIENCE {
                if sockets_abertos() > 0 {
                    pronto = true;
                    break;
                }
                if let Ok(Some(_)) = filho.try_wait() {
                    break;
                }
                thread::sleep(Duration::from_millis(20));
            }
            if !pronto {
                interrompe(&mut filho);
                let stderr = stderr.join().unwrap_or_default();
                let tcp = fs::read_to_string("/proc/net/tcp").unwrap_or_default();
                problemas.push(format!(
                    "{comando}: o servidor não subiu\n{stderr}\n/proc/net/tcp:\n{tcp}"
                ));
                continue;
            }
            servidor = Some(NoAr {
                comando: comando.clone(),
                filho,
                stderr,
            });
            continue;
        }
        let mut filho = inicia(comando, pasta, bin, Stdio::piped());
        let mut entrada = filho.stdin.take().expect("stdin");
        let _ = entrada.write_all("olá\n".as_bytes());
        drop(entrada);
        let stdout = le(filho.stdout.take().expect("stdout"));
        let stderr = le(filho.stderr.take().expect("stderr"));
        let estado = wait_child(&mut filho, LIMITE);
        let esperado = TERMINAM_COM_ERRO
            .iter()
            .any(|(trecho, _)| comando.texto.contains(trecho));
        if estado.is_none() {
            // O wait_child matou o bash; o resto do grupo vai junto.
            // SAFETY: kill só manda um sinal ao grupo que o teste criou.
            unsafe {
                libc::kill(-(filho.id() as i32), libc::SIGKILL);
            }
        }
        let stdout = stdout.join().unwrap_or_default();
        let stderr = stderr.join().unwrap_or_default();
        match estado {
            None => problemas.push(format!("{comando}: não terminou em {LIMITE:?}")),
            Some(estado) if !estado.success() && !esperado => {
                problemas.push(format!("{comando}: saiu com {estado}\n{stdout}{stderr}"))
            }
            Some(_) => {
                if let Some(erro) = erro_de_comando(&stderr) {
                    problemas.push(format!("{comando}: {erro}\n{stderr}"));
                }
            }
        }
    }
    if let Some(anterior) = servidor.take() {
        para(anterior, &mut problemas);
    }
    problemas
}

/// Uma pasta temporária com um link para cada item da raiz do workspace.
fn espelho(raiz: &Path) -> PathBuf {
    let pasta = std::env::temp_dir().join(format!("livro-comandos-{}", std::process::id()));
    let _ = fs::remove_dir_all(&pasta);
    fs::create_dir_all(&pasta).expect("pasta temporária");
    for item in fs::read_dir(raiz).expect("raiz do workspace").flatten() {
        std::os::unix::fs::symlink(item.path(), pasta.join(item.file_name()))
            .expect("link na pasta temporária");
    }
    pasta
}

/// Dentro do namespace de uma página (`LIVRO_PAGINA`): liga a loopback e
/// roda os comandos dela; os problemas saem na saída de erro.
fn roda_pagina_no_namespace(pagina: &str) {
    let raiz = workspace_root();
    let bin = PathBuf::from(std::env::var_os("LIVRO_BIN").expect("LIVRO_BIN"));
    let lo = Command::new("ip")
        .args(["link", "set", "lo", "up"])
        .status()
        .expect("o comando ip (pacote iproute2)");
    assert!(
        lo.success(),
        "não foi possível ligar a loopback no namespace"
    );
    let pasta = espelho(&raiz);
    let daqui: Vec<Comando> = comandos_do_livro(&raiz)
        .into_iter()
        .filter(|c| c.pagina == pagina)
        .collect();
    assert!(!daqui.is_empty(), "a página {pagina} não tem comandos");
    let problemas = roda_pagina(&daqui, &pasta, &bin);
    let _ = fs::remove_dir_all(&pasta);
    assert!(problemas.is_empty(), "{}", problemas.join("\n\n"));
}

#[test]
fn cada_comando_do_livro_existe_e_tem_os_arquivos_que_cita() {
    let raiz = workspace_root();
    let todos = comandos_do_livro(&raiz);
    assert!(
        todos.len() > 30,
        "o livro tem mais comandos que {}",
        todos.len()
    );
    let mut problemas = Vec::new();
    for comando in &todos {
        problemas.extend(problemas_estaticos(&raiz, comando));
    }
    for comando in todos.iter().filter(|c| nao_roda(c).is_some()) {
        eprintln!(
            "não roda aqui: {comando}: {}",
            nao_roda(comando).unwrap_or("")
        );
    }
    // Uma linha da tabela que não serve mais a nenhum comando sai dela. (No
    // kit do aluno, sem o teste kit.rs, o livro não tem a página do
    // professor, de onde vêm várias linhas: lá a conferência não vale.)
    let e_o_kit = !raiz.join("tests/professor").exists();
    for (trecho, _) in NAO_RODAM.iter().chain(TERMINAM_COM_ERRO) {
        if !e_o_kit && !todos.iter().any(|c| c.texto.contains(trecho)) {
            problemas.push(format!(
                "a tabela cita '{trecho}', que nenhum comando tem mais"
            ));
        }
    }
    assert!(problemas.is_empty(), "{}", problemas.join("\n"));
}

#[test]
#[ignore = "pesado (uns 40 s: roda cada comando do livro): roda na .ci/run, ou com -- --ignored"]
fn cada_comando_do_livro_roda_como_esta_escrito() {
    if let Some(pagina) = std::env::var_os("LIVRO_PAGINA") {
        roda_pagina_no_namespace(&pagina.to_string_lossy());
        return;
    }
    let bin = build_programs("--bins");
    build_programs("--examples");
    // O `professor` é o programa deste pacote: o cargo já o compilou.
    let professor = PathBuf::from(env!("CARGO_BIN_EXE_professor"));
    if professor.parent() != Some(bin.as_path()) {
        let _ = fs::copy(&professor, bin.join("professor"));
    }
    let exe = std::env::current_exe().expect("o executável deste teste");
    // Cada página num namespace novo, como uma máquina recém-ligada: a porta
    // 12000 está livre, sem TIME_WAIT das páginas anteriores.
    let todos = comandos_do_livro(&workspace_root());
    let mut paginas: Vec<&str> = todos
        .iter()
        .filter(|c| nao_roda(c).is_none() && !so_confere(c))
        .map(|c| c.pagina.as_str())
        .collect();
    paginas.dedup();
    let mut problemas = Vec::new();
    for pagina in &paginas {
        let saida = Command::new("unshare")
            .args(["--user", "--map-root-user", "--net", "--"])
            .arg(&exe)
            .args([
                "--exact",
                "cada_comando_do_livro_roda_como_esta_escrito",
                // Este teste é `#[ignore]`: sem isto, lá dentro ele não roda.
                "--include-ignored",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env("LIVRO_PAGINA", pagina)
            .env("LIVRO_BIN", &bin)
            .env("RUST_BACKTRACE", "0")
            .output();
        let saida = match saida {
            Ok(saida) => saida,
            Err(erro) => return nao_pode(&format!("o comando unshare não roda aqui ({erro})")),
        };
        let stdout = String::from_utf8_lossy(&saida.stdout);
        let stderr = String::from_utf8_lossy(&saida.stderr);
        // O unshare que não pôde criar o namespace sai antes de rodar o teste.
        if !stdout.contains("running 1 test") {
            return nao_pode(&format!("o unshare não criou o namespace: {stderr}"));
        }
        if saida.status.success() && !stdout.contains("1 passed") {
            problemas.push(format!(
                "{pagina}: o teste de dentro do namespace não rodou:\n{stdout}"
            ));
        } else if !saida.status.success() {
            // A mensagem do assert de dentro: depois do "panicked at
            // arquivo:linha:coluna:", até o "note:".
            let falha = stderr
                .split_once("panicked at")
                .and_then(|(_, resto)| resto.split_once('\n'))
                .map(|(_, resto)| resto.split("\nnote:").next().unwrap_or(resto))
                .unwrap_or(&stderr);
            problemas.push(falha.to_string());
        }
    }
    eprintln!(
        "{} comandos do livro rodaram, em {} páginas",
        todos
            .iter()
            .filter(|c| nao_roda(c).is_none() && !so_confere(c))
            .count(),
        paginas.len()
    );
    assert!(
        problemas.is_empty(),
        "comandos do livro que não rodam como escritos:\n{}",
        problemas.join("\n")
    );
}

/// Sem namespaces de usuário (um contêiner, um kernel que os proíbe), o
/// teste avisa; na integração contínua, tem de rodar.
fn nao_pode(motivo: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "na integração contínua os comandos do livro têm de rodar: {motivo}"
    );
    eprintln!("\n*** AVISO: os comandos do livro NÃO RODARAM aqui: {motivo} ***\n");
}
