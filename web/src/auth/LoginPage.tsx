// Sign-in in up to three steps: credentials → TOTP code (or recovery code) → done;
// or credentials → TOTP enrolment → recovery codes shown once → done.
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../app/api';
import { navigate, safeReturnPath, useLocation } from '../app/router';
import { useSession } from '../app/session';
import type { LoginResponse, Session } from '../app/types';
import { ErrorAlert, Field, Notice, PageHeader, PasswordField, useForm } from '../app/ui';
import { login, loginEnrol, loginTotp } from './data';

type Step =
  | { kind: 'credentials' }
  | { kind: 'totp'; challenge: string }
  | { kind: 'enrol'; challenge: string; secret: string; uri: string }
  | { kind: 'recovery'; codes: string[]; session: Session };

export function LoginPage() {
  const { state, signIn } = useSession();
  const { search } = useLocation();
  const [step, setStep] = useState<Step>({ kind: 'credentials' });
  const returnTo = safeReturnPath(search.get('volver'));

  useEffect(() => {
    if (state.status === 'signed-in' && step.kind !== 'recovery') navigate(returnTo, { replace: true });
  }, [state.status]);

  function finish(session: Session) {
    signIn(session);
    navigate(returnTo, { replace: true });
  }

  function handle(r: LoginResponse) {
    if (r.next === 'done') {
      if (r.recovery_codes && r.recovery_codes.length > 0) setStep({ kind: 'recovery', codes: r.recovery_codes, session: r.session });
      else finish(r.session);
    } else if (r.next === 'totp') {
      setStep({ kind: 'totp', challenge: r.challenge });
    } else {
      setStep({ kind: 'enrol', challenge: r.challenge, secret: r.secret, uri: r.otpauth_uri });
    }
  }

  const restart = () => setStep({ kind: 'credentials' });

  return (
    <div class="auth-layout">
      <div class="auth-card card">
        {step.kind === 'credentials' && (
          <Credentials onResult={handle} loggedOut={search.get('salida') === '1'} returning={search.has('volver')} />
        )}
        {step.kind === 'totp' && <TotpStep challenge={step.challenge} onResult={handle} onRestart={restart} />}
        {step.kind === 'enrol' && (
          <EnrolStep challenge={step.challenge} secret={step.secret} uri={step.uri} onResult={handle} onRestart={restart} />
        )}
        {step.kind === 'recovery' && <RecoveryCodes codes={step.codes} onContinue={() => finish(step.session)} />}
      </div>
      <aside class="auth-aside">
        <h2>Acceso para funcionarias y funcionarios</h2>
        <p>
          Equidad es usado por el Ministerio, las SEREMIs, los puntos focales de ministerios y servicios, las instituciones que
          atienden a mujeres, los municipios, las farmacias y las empresas que consultan el Registro de Directoras.
        </p>
        <p>Los roles que acceden a información de casos ingresan con un segundo factor: un código de su aplicación de autenticación.</p>
        <p class="auth-help">
          <strong>¿Necesitas ayuda por violencia?</strong> No necesitas una cuenta: llama al <a href="tel:1455" data-external="">1455</a>{' '}
          o escribe por WhatsApp al +56 9 9700 7000.
        </p>
      </aside>
    </div>
  );
}

function Credentials({ onResult, loggedOut, returning }: { onResult: (r: LoginResponse) => void; loggedOut: boolean; returning: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();

  function submit() {
    const local: Record<string, string> = {};
    if (!email.trim()) local.email = 'Ingrese su correo electrónico.';
    if (!password) local.password = 'Ingrese su contraseña.';
    if (invalid(local, 'Complete los datos marcados.')) return;
    void send(
      async () => onResult(await login(email.trim(), password)),
      (err) => {
        errors.fromError(err);
        setPassword('');
      },
    );
  }

  return (
    <>
      <PageHeader title="Ingresar a Equidad" lead="Use el correo institucional y la contraseña de su cuenta." />
      {loggedOut && <Notice kind="success">Cerró su sesión.</Notice>}
      {returning && !loggedOut && <Notice>Ingrese para continuar a la página que solicitó.</Notice>}
      <ErrorAlert error={errors.general} title="No fue posible ingresar" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack" aria-label="Ingreso">
        <Field
          label="Correo electrónico"
          name="email"
          type="email"
          autocomplete="username"
          value={email}
          onValue={setEmail}
          error={errors.fields.email}
          required
          autoFocus
        />
        <PasswordField
          label="Contraseña"
          name="password"
          value={password}
          onValue={setPassword}
          error={errors.fields.password}
          required
        />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Ingresando…' : 'Ingresar'}
        </button>
      </form>
      <p class="muted small">
        ¿Olvidó su contraseña o su cuenta está bloqueada? Contacte a la administración del sistema de su institución.
      </p>
    </>
  );
}

function TotpStep({ challenge, onResult, onRestart }: { challenge: string; onResult: (r: LoginResponse) => void; onRestart: () => void }) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const form = useForm();
  const { errors, formRef, busy, onSubmit } = form;
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    inputRef.current?.focus();
  }, [useRecovery]);

  function submit() {
    const value = useRecovery ? code.trim() : code.replace(/\s+/g, '');
    const fieldName = useRecovery ? 'recovery_code' : 'code';
    const problem = useRecovery ? (value ? null : 'Ingrese uno de sus códigos de recuperación.') : sixDigits(value);
    if (problem) return void form.invalid({ [fieldName]: problem }, problem);
    sendCode(form, fieldName, setCode, async () =>
      onResult(await loginTotp(challenge, fieldName, value)),
    );
  }

  return (
    <>
      <PageHeader
        title="Verificación en dos pasos"
        lead={
          useRecovery
            ? 'Ingrese uno de los códigos de recuperación que guardó al activar la verificación. Cada código sirve una sola vez.'
            : 'Abra su aplicación de autenticación e ingrese el código de 6 dígitos que muestra para Equidad.'
        }
      />
      <ErrorAlert error={errors.general} title="No fue posible verificar el código" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack" aria-label="Verificación">
        {useRecovery ? (
          <Field
            key="recovery"
            label="Código de recuperación"
            name="recovery_code"
            autocomplete="off"
            spellcheck={false}
            value={code}
            onValue={setCode}
            error={errors.fields.recovery_code}
            inputRef={inputRef}
            class="code-field"
          />
        ) : (
          <CodeField key="totp" pattern="[0-9 ]*" value={code} onValue={setCode} error={errors.fields.code} inputRef={inputRef} />
        )}
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Verificando…' : 'Verificar'}
        </button>
      </form>
      <div class="step-links">
        <button
          type="button"
          class="btn btn-link"
          onClick={() => {
            setUseRecovery(!useRecovery);
            setCode('');
            errors.clear();
          }}
        >
          {useRecovery ? 'Usar el código de la aplicación' : 'No tengo mi teléfono: usar un código de recuperación'}
        </button>
        <button type="button" class="btn btn-link" onClick={onRestart}>
          Volver a ingresar con otra cuenta
        </button>
      </div>
    </>
  );
}

/** What is wrong with a TOTP code (spaces already removed), or null. */
function sixDigits(value: string): string | null {
  return /^\d{6}$/.test(value) ? null : 'El código tiene 6 dígitos.';
}

/**
 * Sends a code step's answer. A rejected code is shown on the step's only input, whatever field the server
 * named, and the input is emptied for the next try.
 */
function sendCode(form: ReturnType<typeof useForm>, fieldName: string, setCode: (v: string) => void, request: () => Promise<unknown>) {
  void form.send(request, (err) => {
    const message = errorMessage(err);
    form.errors.show(message, { [fieldName]: message });
    setCode('');
  });
}

/** The 6-digit code of an authenticator app. */
function CodeField(props: { value: string; onValue: (v: string) => void; error?: string; inputRef?: { current: HTMLInputElement | null }; pattern?: string }) {
  return <Field label="Código de verificación" name="code" inputMode="numeric" autocomplete="one-time-code" maxLength={7} class="code-field" {...props} />;
}

/** Copies `text` to the clipboard; `copied` says whether the last try worked. */
function useCopy(text: string) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }
  return [copied, copy] as const;
}

function groupSecret(secret: string): string {
  return secret.replace(/\s+/g, '').replace(/(.{4})/g, '$1 ').trim();
}

function EnrolStep(props: { challenge: string; secret: string; uri: string; onResult: (r: LoginResponse) => void; onRestart: () => void }) {
  const [code, setCode] = useState('');
  const [copied, copy] = useCopy(props.secret);
  const form = useForm();
  const { errors, formRef, busy, onSubmit } = form;
  // Only an otpauth: link may become a link; anything else is shown as text.
  const safeUri = props.uri.startsWith('otpauth://') ? props.uri : null;

  function submit() {
    const value = code.replace(/\s+/g, '');
    const problem = sixDigits(value);
    if (problem) return void form.invalid({ code: problem }, problem);
    sendCode(form, 'code', setCode, async () =>
      props.onResult(await loginEnrol(props.challenge, value)),
    );
  }

  return (
    <>
      <PageHeader
        title="Active la verificación en dos pasos"
        lead="Su rol accede a información sensible, por lo que debe ingresar también con un código de un solo uso."
      />
      <ol class="steps">
        <li>
          Instale una aplicación de autenticación en su teléfono (por ejemplo, Google Authenticator, Microsoft Authenticator o
          FreeOTP).
        </li>
        <li>
          Agregue una cuenta nueva e ingrese esta clave:
          <div class="secret-box">
            <code data-testid="totp-secret" aria-label="Clave secreta">
              {groupSecret(props.secret)}
            </code>
            <button type="button" class="btn btn-ghost btn-sm" onClick={copy}>
              {copied ? 'Copiada' : 'Copiar clave'}
            </button>
          </div>
          <p class="hint">
            Tipo: basada en tiempo · 6 dígitos · cada 30 segundos.
            {safeUri && (
              <>
                {' '}
                Si usa Equidad desde el mismo teléfono,{' '}
                <a href={safeUri} data-external="" data-testid="otpauth-link">
                  abra este enlace en su aplicación
                </a>
                .
              </>
            )}
          </p>
        </li>
        <li>Escriba el código de 6 dígitos que muestra la aplicación.</li>
      </ol>
      <ErrorAlert error={errors.general} title="No fue posible activar la verificación" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack" aria-label="Activación">
        <CodeField value={code} onValue={setCode} error={errors.fields.code} />
        <button type="submit" class="btn btn-primary btn-block" disabled={busy}>
          {busy ? 'Activando…' : 'Activar y continuar'}
        </button>
      </form>
      <div class="step-links">
        <button type="button" class="btn btn-link" onClick={props.onRestart}>
          Cancelar y volver al ingreso
        </button>
      </div>
    </>
  );
}

function RecoveryCodes({ codes, onContinue }: { codes: string[]; onContinue: () => void }) {
  const text = codes.join('\n');
  const [copied, copy] = useCopy(text);
  const headingRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    headingRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, []);

  function download() {
    const blob = new Blob([`Equidad — códigos de recuperación\n\n${text}\n`], { type: 'text/plain;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = 'equidad-codigos-de-recuperacion.txt';
    a.dataset.external = '';
    document.body.appendChild(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
  }

  return (
    <div ref={headingRef}>
      <PageHeader title="Guarde sus códigos de recuperación" />
      <div class="alert alert-warning" role="alert">
        <strong class="alert-title">Guárdelos ahora: no se volverán a mostrar.</strong>
        <span>
          Si pierde su teléfono, cada uno de estos códigos le permite ingresar una sola vez. Guárdelos en un lugar seguro, fuera
          de su teléfono.
        </span>
      </div>
      <ol class="recovery-codes" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      <div class="form-actions">
        <button type="button" class="btn btn-ghost" onClick={copy}>
          {copied ? 'Códigos copiados' : 'Copiar códigos'}
        </button>
        <button type="button" class="btn btn-ghost" onClick={download}>
          Descargar (.txt)
        </button>
      </div>
      <button type="button" class="btn btn-primary btn-block" onClick={onContinue}>
        Ya los guardé, continuar
      </button>
    </div>
  );
}
