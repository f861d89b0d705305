"""The actors of the model as Mesa agents.

Refugees and mentors are thin views on rows of the columnar tables in
:mod:`throughflow.population`; the institutions (OCMWs, hosts, employers, the mentoring
organisation) are few and hold their state in small tables or in themselves.
"""

from throughflow.agents.employer import Employer, EmployerTable, VacancyPool
from throughflow.agents.mentor import Mentor
from throughflow.agents.mentoring_org import MentoringOrganisation
from throughflow.agents.ocmw import Ocmw, OcmwTable
from throughflow.agents.refugee import Refugee
from throughflow.agents.wise import HostTable, OtherHost, Wise

__all__ = [
    "Employer",
    "EmployerTable",
    "HostTable",
    "Mentor",
    "MentoringOrganisation",
    "Ocmw",
    "OcmwTable",
    "OtherHost",
    "Refugee",
    "VacancyPool",
    "Wise",
]
