// Passkeys (WebAuthn) for staff. A button with data-passkey="create" or "request" inside a form: on click, ask Attune for
// the options, let the browser and authenticator make or use the credential, put the result (or what went wrong) in the
// form's hidden fields and send the form. The server checks everything; this only carries the credential across.
(function () {
    'use strict';

    const supported = typeof window.PublicKeyCredential !== 'undefined'
        && typeof PublicKeyCredential.parseCreationOptionsFromJSON === 'function'
        && typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function';

    async function options(url, form) {
        const token = form.querySelector('input[name="__RequestVerificationToken"]');
        const response = await fetch(url, {
            method: 'POST',
            credentials: 'same-origin',
            headers: token ? { 'RequestVerificationToken': token.value } : {},
        });
        if (!response.ok) throw new Error('Attune could not start the passkey step (' + response.status + '). Reload the page and try again.');
        return response.json();
    }

    async function credential(button, form) {
        if (button.dataset.passkey === 'create') {
            const json = await options('/account/passkey/creation-options', form);
            return navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(json) });
        }
        const json = await options('/account/passkey/request-options', form);
        return navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(json) });
    }

    document.querySelectorAll('button[data-passkey]').forEach(function (button) {
        const form = button.form;
        if (!supported) {
            button.disabled = true;
            const note = document.getElementById(button.dataset.unsupportedNote || '');
            if (note) note.hidden = false;
            return;
        }
        button.addEventListener('click', async function (event) {
            event.preventDefault();
            button.disabled = true;
            const json = form.querySelector('input[data-passkey-field="credential"]');
            const error = form.querySelector('input[data-passkey-field="error"]');
            try {
                const made = await credential(button, form);
                json.value = JSON.stringify(made);
            } catch (e) {
                error.value = e && e.name === 'NotAllowedError'
                    ? 'No passkey was given: the request was cancelled or timed out.'
                    : (e && e.message ? e.message : 'The passkey step failed.');
            }
            form.submit();
        });
    });
})();
