//! A linha de comando em português.
//!
//! O clap lê os argumentos, mas escreve a ajuda e os erros em inglês
//! ("Usage:", "error: invalid value"). [`parse`] troca os títulos da ajuda e
//! reescreve cada erro em uma frase em português; os conversores [`port`],
//! [`seconds`], [`count_up_to`] e os outros conferem a faixa de cada valor e
//! explicam em português o que esperavam: nenhum valor da linha de comando
//! chega ao programa grande demais para ele.

use std::error::Error as _;
use std::time::Duration;

use clap::builder::StyledStr;
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
    let matches = in_portuguese(command, &name)
        .try_get_matches_from(args)
        .map_err(|e| e.apply::<Portuguese>())?;
    T::from_arg_matches(&matches).map_err(|e| e.apply::<Portuguese>())
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
    if arg.get_action().takes_values() {
        // `--porta -1`: sem isto, o clap lê `-1` como uma opção desconhecida;
        // com isto, `-1` chega ao conversor, que explica a faixa certa.
        arg = arg.allow_negative_numbers(true);
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
        if let Some(suggestion) = suggestion {
            message.push_str(&format!("\n\n  dica: você quis dizer '{suggestion}'?"));
        }
        let usage = match error.get(ContextKind::Usage) {
            Some(ContextValue::StyledStr(usage)) => usage.to_string().replace("Usage:", "Uso:"),
            _ => String::new(),
        };
        let mut out = format!("erro: {message}\n");
        if !usage.is_empty() {
            out.push_str(&format!("\n{usage}\n"));
        }
        out.push_str("\nPara mais informações, use '--help'.\n");
        StyledStr::from(out)
    }
}

/// Lê uma porta (0 a 65535; 0 pede ao sistema uma porta livre).
pub fn port(text: &str) -> Result<u16, String> {
    text.parse()
        .map_err(|_| "a porta deve ser um número inteiro de 0 a 65535".to_string())
}

// ANCHOR: limits
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
// ANCHOR_END: limits

/// Lê um tempo em segundos (aceita frações, como `0.5`), de [`MIN_SECONDS`]
/// a [`MAX_SECONDS`].
pub fn seconds(text: &str) -> Result<Duration, String> {
    let invalid = || {
        format!(
            "o tempo deve ser um número de segundos de 0.001 (1 ms) a {MAX_SECONDS} (um dia), \
             como 1 ou 0.5"
        )
    };
    let seconds: f64 = text.replace(',', ".").parse().map_err(|_| invalid())?;
    // A comparação é falsa para NaN: ele também é recusado.
    if !(MIN_SECONDS..=MAX_SECONDS as f64).contains(&seconds) {
        return Err(invalid());
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| invalid())
}

/// Lê um tempo em milissegundos: um inteiro de 0 a [`MAX_MILLIS`].
pub fn millis(text: &str) -> Result<Duration, String> {
    match text.parse::<u64>() {
        Ok(ms) if ms <= MAX_MILLIS => Ok(Duration::from_millis(ms)),
        _ => Err(format!(
            "o tempo deve ser um número inteiro de milissegundos de 0 a {MAX_MILLIS} \
             (um minuto), como 200"
        )),
    }
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
        for bad in [
            "0",
            "-1",
            "NaN",
            "inf",
            "0.0000005",
            "0.0009",
            "86400.5",
            "1e19",
        ] {
            assert!(
                seconds(bad).unwrap_err().contains("de 0.001 (1 ms)"),
                "{bad}"
            );
        }
        assert_eq!(millis("200"), Ok(Duration::from_millis(200)));
        assert_eq!(millis("0"), Ok(Duration::ZERO));
        assert!(millis("-1").is_err());
        assert!(millis("60001").unwrap_err().contains("de 0 a 60000"));
        assert!(millis("18446744073709551615").is_err());
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
