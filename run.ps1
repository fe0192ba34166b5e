# Testimony Intake on Windows, what `make run` does elsewhere: create the virtual environment
# .venv with the Python launcher (py -3, Python 3.11 or newer from python.org), install the pinned
# dependencies with every file checked against its SHA-256 (requirements.lock), install the
# application, compile the translations and start the server on http://127.0.0.1:5000 with the
# browser open. The data lives in .\instance unless INTAKE_HOME says otherwise.
#
# From this folder, in PowerShell:
#   powershell -ExecutionPolicy Bypass -File .\run.ps1
$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot

# Runs a program and stops the script when it fails: PowerShell does not do that by itself.
function Invoke-Checked([string] $Program, [string[]] $Arguments) {
    & $Program @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "Stopped: $Program $($Arguments -join ' ') failed (exit code $LASTEXITCODE)."
    }
}

$python = Join-Path $PSScriptRoot '.venv\Scripts\python.exe'
if (-not (Test-Path -LiteralPath $python)) {
    & py -3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'
    if ($LASTEXITCODE -ne 0) {
        throw 'Python 3.11 or newer is needed: install it from https://www.python.org/downloads/windows/, then run this again.'
    }
    Invoke-Checked 'py' @('-3', '-m', 'venv', '.venv')
}
Invoke-Checked $python @('-m', 'pip', 'install', '--quiet', '--require-hashes', '-r', 'requirements.lock')
Invoke-Checked $python @('-m', 'pip', 'install', '--quiet', '--no-deps', '-e', '.')
Invoke-Checked (Join-Path $PSScriptRoot '.venv\Scripts\pybabel.exe') @('compile', '-d', 'translations')
Invoke-Checked $python @('-m', 'intake', 'serve', '--open')
