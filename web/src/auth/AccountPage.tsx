// "Mi cuenta": change one's own password (the current one is required; other sessions end) and
// make new recovery codes (password and a code from the authenticator app; the old ones stop working).
import { useState } from 'preact/hooks';
import { useSession } from '../app/session';
import { ErrorAlert, Field, Notice, PageHeader, PasswordField, useAsync, useForm } from '../app/ui';
import { changePassword, getRecoveryInfo, newRecoveryCodes } from './data';

export function AccountPage() {
  const { state } = useSession();
  const user = state.status === 'signed-in' ? state.session.user : null;
  return (
    <section>
      <PageHeader
        title="Mi cuenta"
        lead={user ? `${user.name} · ${user.email} · ${user.institution.name}` : undefined}
        actions={
          <a href="/mis-sesiones" class="btn btn-ghost btn-sm">
            Ver mis sesiones
          </a>
        }
      />
      <div class="stack">
        <PasswordForm />
        <RecoveryCodesForm />
      </div>
    </section>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();

  function submit() {
    setDone(false);
    const local: Record<string, string> = {};
    if (!current) local.current_password = 'Ingrese su contraseña actual.';
    if (next.length < 10) local.new_password = 'La contraseña nueva debe tener al menos 10 caracteres.';
    if (next && repeat !== next) local.repeat_password = 'Las dos contraseñas nuevas no coinciden.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    void send(async () => {
      await changePassword(current, next);
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
    });
  }

  return (
    <div class="card stack" data-testid="password-form">
      <h2>Cambiar mi contraseña</h2>
      <p class="muted small">
        Al menos 10 caracteres, con letras y también números o símbolos; sin su nombre ni su correo. Al cambiarla se cierran sus
        sesiones en otros navegadores y dispositivos.
      </p>
      {done && <Notice kind="success">Su contraseña fue cambiada. Sus otras sesiones se cerraron.</Notice>}
      <ErrorAlert error={errors.general} title="No fue posible cambiar la contraseña" />
      <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack" aria-label="Cambiar contraseña">
        <PasswordField
          label="Contraseña actual"
          name="current_password"
          value={current}
          onValue={setCurrent}
          error={errors.fields.current_password}
          required
        />
        <PasswordField
          label="Contraseña nueva"
          name="new_password"
          isNew
          value={next}
          onValue={setNext}
          error={errors.fields.new_password}
          required
        />
        <PasswordField
          label="Repita la contraseña nueva"
          name="repeat_password"
          isNew
          value={repeat}
          onValue={setRepeat}
          error={errors.fields.repeat_password}
          required
        />
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            {busy ? 'Cambiando…' : 'Cambiar contraseña'}
          </button>
        </div>
      </form>
    </div>
  );
}

function RecoveryCodesForm() {
  const info = useAsync((signal) => getRecoveryInfo(signal), []);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const { errors, formRef, busy, onSubmit, invalid, send } = useForm();

  function submit() {
    const local: Record<string, string> = {};
    if (!password) local.password = 'Ingrese su contraseña.';
    const digits = code.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(digits)) local.code = 'Ingrese los 6 dígitos que muestra su aplicación.';
    if (invalid(local, 'Revise los datos marcados.')) return;
    void send(async () => {
      const r = await newRecoveryCodes(password, digits);
      setPassword('');
      setCode('');
      setCodes(r.recovery_codes);
      info.reload();
    });
  }

  if (info.data && !info.data.totp_enabled) {
    return (
      <div class="card stack">
        <h2>Códigos de recuperación</h2>
        <p class="muted">Su cuenta no usa verificación en dos pasos, así que no tiene códigos de recuperación.</p>
      </div>
    );
  }

  return (
    <div class="card stack" data-testid="recovery-form">
      <h2>Códigos de recuperación</h2>
      <ErrorAlert error={info.error} />
      {info.data && (
        <p data-testid="recovery-remaining">
          Le quedan <strong>{info.data.remaining}</strong> de 10 códigos sin usar.
          {info.data.remaining <= 3 && ' Genere códigos nuevos antes de que se le acaben.'}
        </p>
      )}
      {codes ? (
        <>
          <div class="alert alert-warning" role="alert">
            <strong class="alert-title">Guárdelos ahora: no se volverán a mostrar.</strong>
            <span>Sus códigos anteriores ya no sirven. Cada código nuevo permite ingresar una sola vez si pierde su teléfono.</span>
          </div>
          <ol class="recovery-codes" data-testid="recovery-codes">
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ol>
          <div class="form-actions">
            <button type="button" class="btn btn-primary" onClick={() => setCodes(null)}>
              Ya los guardé
            </button>
          </div>
        </>
      ) : (
        <>
          <p class="muted small">
            Si usó o perdió sus códigos, genere diez nuevos. Necesita su contraseña y el código de 6 dígitos de su aplicación de
            autenticación; los códigos anteriores dejarán de servir.
          </p>
          <ErrorAlert error={errors.general} title="No fue posible generar los códigos" />
          <form ref={formRef} onSubmit={onSubmit(submit)} noValidate class="stack" aria-label="Generar códigos de recuperación">
            <PasswordField
              label="Contraseña"
              name="password"
              value={password}
              onValue={setPassword}
              error={errors.fields.password}
              required
            />
            <Field
              label="Código de la aplicación"
              name="code"
              inputMode="numeric"
              autocomplete="one-time-code"
              maxLength={7}
              value={code}
              onValue={setCode}
              error={errors.fields.code}
              required
            />
            <div class="form-actions">
              <button type="submit" class="btn btn-primary" disabled={busy}>
                {busy ? 'Generando…' : 'Generar códigos nuevos'}
              </button>
            </div>
          </form>
        </>
      )}
    </div>
  );
}
