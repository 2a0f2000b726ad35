"""The aviso de privacidad (Ley 1581 de 2012; Decreto 1377 de 2013, arts. 14-15).

Version and text come from settings, so each deployment publishes its own notice. A
change of text should come with a new version: everyone is then asked to accept again.
"""

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

DEFAULT_NOTICE = """\
{entity}, como responsable del tratamiento, informa que los datos personales que usted
registra o que se generan en la plataforma {program} (nombre, correo institucional,
dependencia, cargo, tipo de vinculación, inscripciones y asistencia a los encuentros,
propuestas e inquietudes firmadas con su nombre y respuestas a la encuesta de
percepción) se tratan con la única finalidad de organizar los encuentros de diálogo
con el {leader}, hacer seguimiento a las propuestas que surjan de ellos, medir su
impacto y enviarle comunicaciones internas relacionadas, incluido el boletín
{bulletin}.

Las propuestas enviadas como anónimas no guardan ningún dato que lo identifique. Las
respuestas a la encuesta de percepción solo se reportan de forma agregada.

Como titular usted tiene derecho a conocer, actualizar y rectificar sus datos; a
solicitar prueba de esta autorización; a ser informado sobre el uso que se les da; a
revocar la autorización o pedir la supresión de sus datos cuando no exista un deber
legal de conservarlos; a presentar quejas ante la Superintendencia de Industria y
Comercio, y a acceder gratuitamente a sus datos. En la sección «Mis datos» puede
consultarlos y descargarlos en cualquier momento.

Para ejercer sus derechos escriba a {support}. Las consultas se atienden en un máximo
de diez (10) días hábiles y los reclamos en un máximo de quince (15) días hábiles. La
política de tratamiento de datos personales de la entidad está disponible en ese mismo
canal.
"""


@dataclass(frozen=True)
class Notice:
    version: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def paragraphs(self) -> list[str]:
        return [
            p.replace("\n", " ").strip() for p in self.text.split("\n\n") if p.strip()
        ]


def current_notice() -> Notice:
    """The notice in force, as configured for this deployment."""
    return _notice(
        settings.CAFE_PRIVACY_NOTICE_VERSION,
        settings.CAFE_PRIVACY_NOTICE_FILE,
        settings.CAFE_PRIVACY_NOTICE_TEXT,
    )


@lru_cache(maxsize=8)
def _notice(version: str, path: str, text: str) -> Notice:
    if path:
        text = Path(path).read_text(encoding="utf-8")
    if not text:
        text = DEFAULT_NOTICE.format(
            entity=settings.CAFE_ENTITY_NAME,
            program=settings.CAFE_PROGRAM_NAME,
            leader=settings.CAFE_LEADER_TITLE,
            bulletin=settings.CAFE_BULLETIN_NAME,
            support=settings.CAFE_SUPPORT_EMAIL,
        )
    return Notice(version=version, text=text.strip())


def has_accepted_current(user) -> bool:
    return bool(user.privacy_notice_version) and (
        user.privacy_notice_version == settings.CAFE_PRIVACY_NOTICE_VERSION
    )
