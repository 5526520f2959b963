//! A linha de comando em português.
//!
//! O clap lê os argumentos, mas escreve a ajuda e os erros em inglês
//! ("Usage:", "error: invalid value"). [`parse`] troca os títulos da ajuda e
//! reescreve cada erro em uma frase em português; os conversores [`port`],
//! [`seconds`], [`short_time`], [`count_up_to`] e os outros conferem a faixa de cada valor e
//! explicam em português o que esperavam: nenhum valor da linha de comando
//! chega ao programa grande demais para ele.

use std::error::Error as _;
use std::time::Duration;

use clap::builder::StyledStr;
use clap::builder::styling::Styles;
use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};

/// Lê os argumentos do programa para `T`. Com `--help` mostra a ajuda e sai
/// com 0; com argumentos errados explica o erro em português e sai com 2.
pub fn parse<T: CommandFactory + FromArgMatches>() -> T {
    parse_from(std::env::args_os())
}

/// Como [`parse`], mas com os argumentos dados (para testes).
pub fn parse_from<T, I>(args: I) -> T
where
    T: CommandFactory + FromArgMatches,
    I: IntoIterator,
    I::Item: Into<std::ffi::OsString> + Clone,
{
    try_parse_from(args).unwrap_or_else(|err| err.exit())
}

/// Como [`parse_from`], mas devolve o erro em vez de sair.
pub fn try_parse_from<T, I>(args: I) -> Result<T, clap::error::Error<Portuguese>>
where
    T: CommandFactory + FromArgMatches,
    I: IntoIterator,
    I::Item: Into<std::ffi::OsString> + Clone,
{
    let command = T::command();
    let name = command.get_name().to_string();
    let command = in_portuguese(command, &name);
    let matches = command
        .clone()
        .try_get_matches_from(args)
        .map_err(|e| in_words(e, &command))?;
    // `udp-echo ajuda servidor` é o mesmo que `udp-echo servidor --help`.
    if let Some((HELP_SUBCOMMAND, asked)) = matches.subcommand() {
        let mut argv = vec![name];
        argv.extend(asked.get_one::<String>("SUBCOMANDO").cloned());
        argv.push("--help".to_string());
        return Err(match command.clone().try_get_matches_from(argv) {
            Err(help) => in_words(help, &command),
            // Não acontece: `--help` sempre termina a leitura dos argumentos.
            Ok(_) => command.clone().error(ErrorKind::DisplayHelp, "").apply(),
        });
    }
    T::from_arg_matches(&matches).map_err(|e| e.apply::<Portuguese>())
}

/// O subcomando que mostra a ajuda (também: `help`).
const HELP_SUBCOMMAND: &str = "ajuda";

/// Passa o erro do clap para o formato em português. Quando o clap sugere um
/// subcomando, ele sugere o nome e o apelido (`servidor, server`): fica só o
/// nome em português.
fn in_words(mut error: clap::error::Error, command: &Command) -> clap::error::Error<Portuguese> {
    if let Some(ContextValue::Strings(suggested)) = error.get(ContextKind::SuggestedSubcommand) {
        let names: Vec<String> = suggested
            .iter()
            .filter(|s| {
                command
                    .get_subcommands()
                    .any(|c| c.get_name() == s.as_str())
            })
            .cloned()
            .collect();
        if !names.is_empty() {
            error.insert(
                ContextKind::SuggestedSubcommand,
                ContextValue::Strings(names),
            );
        }
    }
    error.apply::<Portuguese>()
}

/// O comando com a ajuda em português: títulos, `-h`/`-V`, valores padrão e a
/// linha de uso. `path` é como o comando é chamado (`"udp-echo servidor"`).
pub fn in_portuguese(command: Command, path: &str) -> Command {
    let has_version = command.get_version().is_some();
    let mut command = command
        .help_template("{about-with-newline}\nUso: {usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("Subcomandos")
        .subcommand_value_name("SUBCOMANDO")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Mostra esta ajuda"),
        );
    if has_version {
        command = command.arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("Mostra a versão"),
        );
    }
    if command.has_subcommands() {
        command = command.subcommand(
            Command::new(HELP_SUBCOMMAND)
                .alias("help")
                .about("Mostra esta ajuda, ou a de um subcomando (também: help)")
                .arg(Arg::new("SUBCOMANDO").help("O subcomando cuja ajuda mostrar")),
        );
    }
    let mut command = command.mut_args(translate_arg).mut_subcommands(|sub| {
        let sub_path = format!("{path} {}", sub.get_name());
        in_portuguese(sub, &sub_path)
    });
    let usage = command
        .clone()
        .bin_name(path)
        .render_usage()
        .to_string()
        .replace("Usage: ", "")
        .replace("[OPTIONS]", "[OPÇÕES]");
    command = command.override_usage(usage);
    command
}

fn translate_arg(arg: Arg) -> Arg {
    let heading = if arg.is_positional() {
        "Argumentos"
    } else {
        "Opções"
    };
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    // Uma opção sem valor (`--sem-isolamento`) não tem valores a listar.
    let takes_value = arg.get_action().takes_values();
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|_| takes_value)
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    let mut help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let mut arg = arg.help_heading(heading);
    if arg.get_action().takes_values() && !arg.is_positional() {
        // `--porta -1`, `--atraso -1ms`: sem isto, o clap lê `-1` como uma
        // opção desconhecida; com isto, o valor chega ao conversor, que
        // explica a faixa certa.
        arg = arg.allow_hyphen_values(true);
    }
    if !values.is_empty() {
        help.push_str(&format!(" [valores: {}]", values.join(", ")));
        arg = arg.hide_possible_values(true);
    }
    if !defaults.is_empty() && !arg.is_hide_default_value_set() {
        help.push_str(&format!(" [padrão: {}]", defaults.join(", ")));
        arg = arg.hide_default_value(true);
    }
    arg.help(help)
}

/// Formata os erros do clap em português (veja [`parse`]).
#[derive(Debug)]
pub struct Portuguese;

impl ErrorFormatter for Portuguese {
    fn format_error(error: &clap::error::Error<Self>) -> StyledStr {
        let text = |kind| match error.get(kind) {
            Some(ContextValue::String(s)) => s.clone(),
            Some(ContextValue::Strings(v)) => v.join(", "),
            Some(other) => other.to_string(),
            None => String::new(),
        };
        let arg = text(ContextKind::InvalidArg);
        let value = text(ContextKind::InvalidValue);
        let mut message = match error.kind() {
            ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
                let reason = error.source().map(|s| format!(": {s}")).unwrap_or_default();
                let valid = text(ContextKind::ValidValue);
                let valid = if valid.is_empty() {
                    String::new()
                } else {
                    format!("; valores aceitos: {valid}")
                };
                if value.is_empty() {
                    format!("falta o valor de '{arg}'{reason}{valid}")
                } else {
                    format!("valor inválido '{value}' para '{arg}'{reason}{valid}")
                }
            }
            ErrorKind::UnknownArgument => format!("opção desconhecida '{arg}'"),
            ErrorKind::InvalidSubcommand => format!(
                "subcomando desconhecido '{}'",
                text(ContextKind::InvalidSubcommand)
            ),
            ErrorKind::MissingRequiredArgument => format!("falta o argumento obrigatório {arg}"),
            ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                "falta o subcomando".to_string()
            }
            // O clap chama de conflito a mesma opção dada duas vezes.
            ErrorKind::ArgumentConflict if text(ContextKind::PriorArg) == arg => {
                format!("'{arg}' foi dado mais de uma vez; use-o uma vez só")
            }
            ErrorKind::ArgumentConflict => format!(
                "'{arg}' não pode ser usado junto com '{}'",
                text(ContextKind::PriorArg)
            ),
            ErrorKind::TooManyValues => format!("valor a mais: '{value}'"),
            ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
                format!("número errado de valores para '{arg}'")
            }
            ErrorKind::InvalidUtf8 => "um argumento não é texto UTF-8 válido".to_string(),
            _ => "argumentos inválidos".to_string(),
        };
        let suggestion = [
            ContextKind::SuggestedArg,
            ContextKind::SuggestedSubcommand,
            ContextKind::SuggestedValue,
        ]
        .into_iter()
        .map(text)
        .find(|s| !s.is_empty());
        // As cores da ajuda do clap: o clap as tira quando a saída não é um
        // terminal ou quando a variável NO_COLOR existe.
        let styles = Styles::styled();
        let (red, green, bold) = (styles.get_error(), styles.get_valid(), styles.get_literal());
        if let Some(suggestion) = suggestion {
            message.push_str(&format!(
                "\n\n  {green}dica:{green:#} você quis dizer '{bold}{suggestion}{bold:#}'?"
            ));
        }
        let usage = match error.get(ContextKind::Usage) {
            Some(ContextValue::StyledStr(usage)) => {
                usage.ansi().to_string().replace("Usage:", "Uso:")
            }
            _ => String::new(),
        };
        let mut out = format!("{red}erro:{red:#} {message}\n");
        if !usage.is_empty() {
            out.push_str(&format!("\n{usage}\n"));
        }
        out.push_str(&format!(
            "\nPara mais informações, use '{bold}--help{bold:#}'.\n"
        ));
        StyledStr::from(out)
    }
}

/// Mostra um erro do programa na saída de erro: `erro: ...`, com o `erro:` em
/// vermelho como nos erros da linha de comando, se a saída de erro é um
/// terminal e a variável `NO_COLOR` não existe (<https://no-color.org>).
pub fn print_error(error: &dyn std::fmt::Display) {
    let colored = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let red = if colored {
        *Styles::styled().get_error()
    } else {
        clap::builder::styling::Style::new()
    };
    eprintln!("{red}erro:{red:#} {error}");
}

// As opções que vários subcomandos têm, declaradas uma vez cada: cada
// subcomando as inclui com `#[command(flatten)]`. (Comentários `//`, e não
// `///`: num grupo, o comentário de documentação viraria a descrição do
// subcomando na ajuda.)

// Onde um servidor escuta: `--endereco` e `--porta`.
#[derive(Debug, Clone, clap::Args)]
pub struct ListenArgs {
    /// Endereço IP local onde escutar (0.0.0.0: todas as interfaces IPv4; ::, IPv6 e IPv4)
    #[arg(long = "endereco", value_name = "IP", default_value = "0.0.0.0")]
    pub address: String,
    /// Porta onde escutar (0: o kernel escolhe uma livre)
    #[arg(short = 'p', long = "porta", value_name = "N", default_value = "12000", value_parser = port)]
    pub port: u16,
}

// O servidor com que um cliente, o ping ou o bench conversam: `--servidor`
// e `--porta`.
#[derive(Debug, Clone, clap::Args)]
pub struct ServerArgs {
    /// Nome ou endereço IP do servidor
    #[arg(long = "servidor", value_name = "HOST", default_value = "127.0.0.1")]
    pub server: String,
    /// Porta do servidor
    #[arg(short = 'p', long = "porta", value_name = "N", default_value = "12000", value_parser = port)]
    pub port: u16,
}

// Como um bench mostra o resultado: `--formato`.
#[derive(Debug, Clone, clap::Args)]
pub struct FormatArgs {
    /// Como mostrar o resultado: uma tabela, ou uma linha para outro programa ler
    #[arg(long = "formato", value_name = "FORMATO", default_value = "texto")]
    pub format: crate::report::Format,
}

/// Lê uma porta (0 a 65535; 0 pede ao sistema uma porta livre).
pub fn port(text: &str) -> Result<u16, String> {
    text.parse()
        .map_err(|_| "a porta deve ser um número inteiro de 0 a 65535".to_string())
}

/// O menor tempo aceito: 1 ms. Um tempo menor seria arredondado para zero
/// pelo sistema, e zero em `SO_RCVTIMEO` quer dizer "esperar para sempre": o
/// contrário do que quem pediu 0.0000005 s queria.
pub const MIN_SECONDS: f64 = 0.001;

/// O maior tempo aceito, em segundos: um dia. Mais que isso não serve a nenhum
/// experimento, e um tempo enorme (`1e19`) somado ao relógio estouraria o
/// `Instant` e derrubaria o programa.
pub const MAX_SECONDS: u64 = 86_400;

/// O maior atraso ou intervalo em milissegundos: um minuto. Atrasos e
/// intervalos de um ping de verdade são de milissegundos a poucos segundos.
pub const MAX_MILLIS: u64 = 60_000;

/// Lê um tempo como `5`, `0.5s`, `200ms` ou `2min` (aceita vírgula: `0,5s`),
/// de [`MIN_SECONDS`] a [`MAX_SECONDS`]. Sem unidade, são segundos, como no
/// `ping -W 5` do sistema.
pub fn seconds(text: &str) -> Result<Duration, String> {
    let invalid = || {
        format!(
            "o tempo deve ser de 1ms a {MAX_SECONDS}s (um dia), como 5s, 0.5s ou 200ms \
             (sem unidade: segundos)"
        )
    };
    if let Some(negative) = negative(text) {
        return Err(format!("{negative}; {}", invalid()));
    }
    let time = duration(text, Unit::Seconds).ok_or_else(invalid)?;
    if time < Duration::from_millis(1) || time > Duration::from_secs(MAX_SECONDS) {
        return Err(invalid());
    }
    Ok(time)
}

/// Lê um intervalo ou atraso curto, de 0 a [`MAX_MILLIS`] ms, **com a
/// unidade**: `200ms`, `1s`, `1.5s` (só o `0` dispensa a unidade). Estas
/// opções já foram em milissegundos e sem unidade; exigir a unidade evita que
/// um `--atraso 50` antigo vire, em silêncio, 50 segundos.
pub fn short_time(text: &str) -> Result<Duration, String> {
    let invalid = || {
        format!(
            "o tempo deve ter a unidade e ir de 0 a {}s (um minuto), como 200ms ou 1.5s",
            MAX_MILLIS / 1000
        )
    };
    if let Some(negative) = negative(text) {
        return Err(format!("{negative}; {}", invalid()));
    }
    let time = match duration(text, Unit::Required) {
        Some(time) => time,
        None if duration(text, Unit::Seconds).is_some() => {
            return Err(format!(
                "falta a unidade: escreva {0}ms (milissegundos) ou {0}s (segundos)",
                text.trim()
            ));
        }
        None => return Err(invalid()),
    };
    if time > Duration::from_millis(MAX_MILLIS) {
        return Err(invalid());
    }
    Ok(time)
}

/// Um tempo negativo (`-1ms`, `-5`) não existe: diz isso, em vez de só
/// mostrar a faixa.
fn negative(text: &str) -> Option<String> {
    let text = text.trim();
    text.strip_prefix('-')
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
        .map(|_| format!("um tempo não pode ser negativo ('{text}')"))
}

/// O que um número sem unidade quer dizer.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    /// Segundos.
    Seconds,
    /// Nada: só `0` vale sem unidade.
    Required,
}

/// Um número (com ponto ou vírgula) seguido de `ms`, `s` ou `min`. `None` se
/// não é isso, se é negativo, NaN ou grande demais para um `Duration`.
fn duration(text: &str, bare: Unit) -> Option<Duration> {
    let text = text.trim().replace(',', ".");
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    // Só algarismos e um ponto: nada de `1e9`, `inf`, `-1` ou `+1`.
    if number.is_empty() || number.matches('.').count() > 1 || number == "." {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    let seconds = match unit.trim() {
        "ms" => value / 1000.0,
        "s" => value,
        "min" => value * 60.0,
        "" if bare == Unit::Seconds || value == 0.0 => value,
        _ => return None,
    };
    Duration::try_from_secs_f64(seconds).ok()
}

/// Lê uma probabilidade, de 0 a 1 (aceita vírgula: `0,3`).
pub fn probability(text: &str) -> Result<f64, String> {
    match text.replace(',', ".").parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err("a probabilidade deve ser um número de 0 a 1 (ex.: 0.3 para 30 %)".to_string()),
    }
}

/// Lê uma semente de sorteio: um inteiro de 0 a 18446744073709551615.
pub fn seed(text: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| "a semente deve ser um número inteiro, como 42".to_string())
}

/// Um conversor para quantidades inteiras de 1 a `max`, para o `value_parser`
/// do clap: `value_parser = common::cli::count_up_to(100)`. Cada opção tem o
/// seu máximo, dito na ajuda: sem ele, `--contagem 4294967295` pediria memória
/// para 4 bilhões de pings, e o programa seria abortado.
pub fn count_up_to(
    max: u32,
) -> impl Fn(&str) -> Result<u32, String> + Clone + Send + Sync + 'static {
    move |text| count_in(text, max)
}

/// Lê uma quantidade inteira de 1 a `max` (veja [`count_up_to`]).
pub fn count_in(text: &str, max: u32) -> Result<u32, String> {
    match text.parse::<u64>() {
        Ok(n) if (1..=u64::from(max)).contains(&n) => Ok(n as u32),
        _ => Err(format!("deve ser um número inteiro de 1 a {max}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversores_explicam_em_portugues() {
        assert_eq!(port("12000"), Ok(12000));
        assert_eq!(port("0"), Ok(0));
        assert!(port("65536").unwrap_err().contains("0 a 65535"));
        assert!(port("abc").is_err());
        assert_eq!(seconds("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(seconds("0,5"), Ok(Duration::from_millis(500)));
        assert_eq!(seconds("0.001"), Ok(Duration::from_millis(1)));
        assert_eq!(seconds("86400"), Ok(Duration::from_secs(86_400)));
        assert_eq!(seconds("200ms"), Ok(Duration::from_millis(200)));
        assert_eq!(seconds("1s"), Ok(Duration::from_secs(1)));
        assert_eq!(seconds("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(seconds("2min"), Ok(Duration::from_secs(120)));
        assert_eq!(seconds(" 3 s "), Ok(Duration::from_secs(3)));
        for bad in [
            "0",
            "0ms",
            "-1",
            "+1",
            "NaN",
            "inf",
            "1e3",
            "0.0000005",
            "0.0009",
            "0.5ms",
            "86400.5",
            "1e19",
            "1.2.3",
            ".",
            "s",
            "5h",
            "5 segundos",
            "",
        ] {
            assert!(
                seconds(bad).unwrap_err().contains("de 1ms a 86400s"),
                "{bad}"
            );
        }
        // A frase inteira, para nenhum espaço a mais passar despercebido.
        assert_eq!(
            seconds("0").unwrap_err(),
            "o tempo deve ser de 1ms a 86400s (um dia), como 5s, 0.5s ou 200ms \
             (sem unidade: segundos)"
        );
        assert_eq!(
            seconds("-1").unwrap_err(),
            "um tempo não pode ser negativo ('-1'); o tempo deve ser de 1ms a 86400s \
             (um dia), como 5s, 0.5s ou 200ms (sem unidade: segundos)"
        );
        assert_eq!(
            short_time("-1ms").unwrap_err(),
            "um tempo não pode ser negativo ('-1ms'); o tempo deve ter a unidade e ir \
             de 0 a 60s (um minuto), como 200ms ou 1.5s"
        );
        assert_eq!(short_time("200ms"), Ok(Duration::from_millis(200)));
        assert_eq!(short_time("0"), Ok(Duration::ZERO));
        assert_eq!(short_time("0ms"), Ok(Duration::ZERO));
        assert_eq!(short_time("1,5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(short_time("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(short_time("1min"), Ok(Duration::from_secs(60)));
        assert_eq!(
            short_time("200").unwrap_err(),
            "falta a unidade: escreva 200ms (milissegundos) ou 200s (segundos)"
        );
        for bad in [
            "-1ms",
            "61s",
            "2min",
            "abc",
            "18446744073709551615ms",
            "NaNms",
        ] {
            assert!(short_time(bad).unwrap_err().contains("de 0 a 60s"), "{bad}");
        }
        assert_eq!(probability("0,3"), Ok(0.3));
        assert!(probability("1.5").is_err());
        assert!(probability("NaN").is_err());
        assert_eq!(count_in("3", 10), Ok(3));
        assert_eq!(count_in("10", 10), Ok(10));
        assert!(count_in("0", 10).is_err());
        assert!(count_in("11", 10).unwrap_err().contains("de 1 a 10"));
        assert!(count_in("4294967296", u32::MAX).is_err());
        assert_eq!(count_up_to(5)("5"), Ok(5));
    }
}
